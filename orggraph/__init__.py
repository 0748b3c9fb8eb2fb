"""orggraph: the community party-organisation graph and who covers whom."""

__version__ = "0.1.0"
