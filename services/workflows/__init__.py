"""Services described as data: SOP workflows (layanan) and the approval chains of requests.

`model` holds the step/chain model, `loader` reads and validates the YAML definitions,
`sla` the pure time-standard rules, `files` the berkas that move through a chain.
"""
