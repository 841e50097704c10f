"""The kernels that run the chapters during the build talk to it over encrypted TCP.

ipykernel (7.4) warns at each start, "Kernel is running over TCP without encryption", when
its connection has no CurveZMQ keys: any process on the machine could then read what a
notebook prints. jupyter_client (8.10) writes such keys into the connection file of a
kernel whose kernelspec declares the support (ipykernel's does) when the kernel manager's
``transport_encryption`` is ``"auto"``; its default is ``"disabled"``, and myst-nb, which
starts the build's kernels through nbclient, has no setting to pass it on. This extension
makes ``"auto"`` the default in the build's process, where pyzmq has CurveZMQ (as its
wheels do): the kernels encrypt, and the warning, one per chapter, is gone.
"""

from __future__ import annotations

import zmq
from jupyter_client import KernelManager


def setup(app):
    if zmq.has("curve"):
        KernelManager.transport_encryption.default_value = "auto"
    return {"parallel_read_safe": True, "parallel_write_safe": True}
