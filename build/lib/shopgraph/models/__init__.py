"""Machine-learning models of the shop: recommenders behind one interface, their features and rankers,
the training pipeline, the artefact store and offline evaluation.

Training may use TensorFlow; serving reads the vectors and edges that training stored.
"""
