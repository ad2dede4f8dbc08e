"""The data dictionary of a sheet kit (`fields.toml`): every figure a kit can print, declared as
data — columns, derived indicators, region and country figures, row rules, edition-diff
thresholds and where each figure comes from. `load` reads and checks it; `model` is what the
later stages read."""
