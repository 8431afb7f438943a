//! A minimal SARIF 2.1.0 model shared by `scan` and `check`.
