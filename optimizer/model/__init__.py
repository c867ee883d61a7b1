"""The model: what each keyword does at each bid (estimation, shrinkage, the auction, response curves, what-if adjustments)."""
