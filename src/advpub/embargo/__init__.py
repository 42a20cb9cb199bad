"""The encrypted embargo store (the only place that touches pyrage)."""
