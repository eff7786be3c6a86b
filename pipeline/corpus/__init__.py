"""The data side: training format, seed gold, synthetic reports, evaluation."""
