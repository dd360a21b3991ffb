"""Tests import the qopt package of this checkout, whatever else python3
finds first (scripts/setup.sh's qopt.pth may name another checkout)."""

import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
