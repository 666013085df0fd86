"""Another program on a Klite file that changes its tables all the time: Python's sqlite3 module.

Usage: table_churn.py <database> <turns>
Runs <turns> turns (0: until its standard input closes), each step its own transaction:
  1. creates churn_0, churn_1 and churn_2 (topic "churn", 3 partitions, the seed's columns) with 5 rows each, and
     commits group "churner" to offset 2 on each;
  2. appends one row to lockstep_0 and one to lockstep_1 (Klite-made tables of topic "lockstep");
  3. deletes every row of the churn tables (SQLite still remembers their end offset 5);
  4. deletes every row of lockstep_0 and lockstep_1;
  5. drops the churn tables and the group's offsets on them.
So at any one moment topic "churn" is absent, or has 3 partitions at 1..5, or 3 empty ones after 5, the group's
committed offsets on it exist exactly with it, and lockstep_0 and lockstep_1 have the same start and end offsets.
Prints "ready" once connected and "done <turns>" at the end; any error exits non-zero.
"""
import select
import sqlite3
import sys

database, turns = sys.argv[1], int(sys.argv[2])
conn = sqlite3.connect(database, timeout=30, isolation_level=None)
CHURN = ["churn_0", "churn_1", "churn_2"]


def transaction(*statements):
    conn.execute("BEGIN IMMEDIATE")
    for sql, *params in statements:
        conn.execute(sql, params)
    conn.execute("COMMIT")


def stdin_closed():
    ready, _, _ = select.select([sys.stdin], [], [], 0)
    return bool(ready) and sys.stdin.readline() == ""


print("ready", flush=True)
done = 0
while (done < turns) if turns > 0 else not stdin_closed():
    transaction(*[s for t in CHURN for s in (
        (f'CREATE TABLE "{t}" (id INTEGER PRIMARY KEY AUTOINCREMENT, data BLOB NOT NULL,'
         ' created DATETIME DEFAULT CURRENT_TIMESTAMP)',),
        *[(f'INSERT INTO "{t}" (data) VALUES (?)', f"row {i}") for i in range(5)],
        ("INSERT INTO consumer_offsets (consumer_group, topic, partition, commit_offset) VALUES (?, ?, ?, ?)",
         "churner", "churn", int(t[-1]), 2))])
    transaction(*[(f'INSERT INTO "{t}" (data) VALUES (?)', f"turn {done}") for t in ("lockstep_0", "lockstep_1")])
    transaction(*[(f'DELETE FROM "{t}"',) for t in CHURN])
    transaction(*[(f'DELETE FROM "{t}"',) for t in ("lockstep_0", "lockstep_1")])
    transaction(*[(f'DROP TABLE "{t}"',) for t in CHURN],
                ("DELETE FROM consumer_offsets WHERE consumer_group = ? AND topic = ?", "churner", "churn"))
    done += 1
conn.close()
print(f"done {done}", flush=True)
