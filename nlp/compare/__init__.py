"""``govnlp compare``: theme prevalence and numeric facts by group (year, level, region, agency)."""
