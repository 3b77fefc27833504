"""The JSON API (/api/v1/): a versioned read API over the ledgers and the writes outside systems
feed (money flows, sales rows, progress reports), with per-user tokens. It sits at the top of the
layers beside reports: it reads each ledger's scoped querysets and writes through its services;
nothing imports it."""
