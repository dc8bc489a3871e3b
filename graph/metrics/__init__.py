"""Flow and DORA metrics: pure functions, their loading, and the naive reference the
tests compare with."""
