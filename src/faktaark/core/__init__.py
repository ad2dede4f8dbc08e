"""The shared ground every stage stands on: bundled resources, the register of the 98
municipalities, the column contract and indicator definitions, Danish number formatting,
geometry units and colours, atomic writes, and the per-user cache mechanism.
"""
