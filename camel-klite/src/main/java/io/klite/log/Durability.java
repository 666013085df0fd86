package io.klite.log;

/**
 * How hard a returned send is pinned to disk. In WAL mode both survive the process being killed; they differ
 * when the machine loses power or the OS crashes.
 */
public enum Durability {
    /** {@code synchronous=NORMAL}: committed transactions survive a process crash; the last ones may be lost
     *  on power loss. The default, and many times faster. */
    NORMAL,
    /** {@code synchronous=FULL}: every commit is fsynced before the send returns. */
    FULL
}
