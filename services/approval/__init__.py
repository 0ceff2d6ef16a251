"""One approval engine for every chain: requests (izin, cuti), SOP files and the monthly
recap's paraf chain. `model` is the pure state machine, `store` its tables."""
