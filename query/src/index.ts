/** @hlmon/query: PromQL engine over a Querier. */
export {};
