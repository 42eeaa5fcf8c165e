"""`shopgraph bench`: how fast ShopGraph serves, loads and trains, and how that cost grows with data.

Every figure comes from the real system on this machine: a Neo4j instance of the bench's own
(started for the run, stopped at its end, so the demo's graph is never touched), a real
``shopgraph serve`` (gunicorn) on a free loopback port, and Locust as the load generator.

One module per job:

- ``scratch``    the bench's own Neo4j instance and the environment its subprocesses run in
- ``shop``       a real ``shopgraph serve`` on loopback, started and stopped with its workers
- ``loadgen``    one load phase with Locust as a library (runs in a subprocess: Locust patches gevent in)
- ``workloads``  what the simulated clients ask for: many shoppers, products and search terms
- ``serving``    the serving phases: each endpoint at 1, 8 and 32 concurrent clients, and a soak
- ``memory``     RSS of the gunicorn worker processes, sampled through the run
- ``ingestion``  a dataset load into the graph, in relationships per second
- ``training``   ``shopgraph train``: seconds per model and in total
- ``growth``     the interaction data replicated with cloned shoppers, then the figures again
- ``goals``      the issue's goals next to the measured figures (met / not met)
- ``machine``    what the figures were measured on
- ``report``     the JSON and the Markdown report with plots (``reports/bench/``, git-ignored)
- ``run``        the whole benchmark, in order, as one call

Speed goals are measured here and never asserted in tests: absolute times depend on the machine.
"""
