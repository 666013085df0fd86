"""A second program on a Klite file, as the seed klite or a script would be: Python's sqlite3 module.

Usage: python_writer.py <database> <topic table> <count>
Appends <count> TEXT rows, each in its own BEGIN IMMEDIATE transaction that holds the write lock for 3 ms, with
2 ms between them, so the JVM writing the same file meets a locked database again and again. Prints "ready" once
connected and "done <count>" at the end; any error exits non-zero.
"""
import sqlite3
import sys
import time

database, table, count = sys.argv[1], sys.argv[2], int(sys.argv[3])
conn = sqlite3.connect(database, timeout=30, isolation_level=None)
print("ready", flush=True)
for i in range(count):
    conn.execute("BEGIN IMMEDIATE")
    conn.execute(f'INSERT INTO "{table}" (data) VALUES (?)', (f"python-{i}",))
    time.sleep(0.003)
    conn.execute("COMMIT")
    time.sleep(0.002)
conn.close()
print(f"done {count}", flush=True)
