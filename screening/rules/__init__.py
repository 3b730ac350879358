"""Decision rules: pure signal detectors (region, products, MID) and the engine that turns signals and
list matches into reasons. What each signal means is data (``screening/rules/data/*.vN.json``)."""
