"""Building sheets: one sheet from plan to files on disk with its provenance sidecar, and
many sheets in worker processes with an incremental manifest. (Named `builder`, not `build`:
`faktaark.build` is the public function.)
"""
