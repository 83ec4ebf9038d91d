/** @hlmon/testkit: Test helpers: fresh databases, PGlite, port-0 servers, a manual clock. */
export {};
