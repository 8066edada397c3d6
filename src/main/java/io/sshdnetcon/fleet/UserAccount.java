package io.sshdnetcon.fleet;

/** The ECS {@code user.{id,name}} pair; on Windows the id is a SID. */
record UserAccount(String id, String name) {

    static final UserAccount ROOT = new UserAccount("0", "root");
    static final UserAccount WINDOWS_SYSTEM = new UserAccount("S-1-5-18", "SYSTEM");
}
