/** @hlmon/cli: The hlmon command. */
export {};
