"""TensorFlow for training only: imported inside training functions, never when a module loads.

Serving modules (ranker_inference, artefacts, features) must not import this one either.
"""
from __future__ import annotations

import os


def tensorflow(seed: int):
    """The ``tensorflow`` module, quiet, on two threads, deterministic and seeded with ``seed``."""
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    import tensorflow as tf

    try:
        tf.config.threading.set_intra_op_parallelism_threads(2)
        tf.config.threading.set_inter_op_parallelism_threads(1)
    except RuntimeError:
        pass  # already initialised by an earlier model in this process; the setting stands
    tf.keras.utils.set_random_seed(int(seed))
    tf.config.experimental.enable_op_determinism()
    return tf
