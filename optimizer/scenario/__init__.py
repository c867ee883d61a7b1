"""The scenario: which reports to read, what to aim for, the limits, and what-if adjustments."""
