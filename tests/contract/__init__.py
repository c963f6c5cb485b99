"""The store contract suite: every backend must pass every test here unchanged."""
