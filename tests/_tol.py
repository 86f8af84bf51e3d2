"""Tolerances derived from the arithmetic, not from one machine's last digits.

Two correct implementations of the same formula may round differently: numpy's pairwise
summation, BLAS kernels, SIMD widths and library versions change the order of the operations.
The bounds below are the classical worst-case error bounds (Higham, *Accuracy and Stability of
Numerical Algorithms*, 2nd ed., §3.1 and §4.2) with unit roundoff u = eps / 2, doubled because
*both* sides of a comparison carry their own rounding error:

* a sum of n terms of magnitude at most ``scale`` is off by at most n·u·scale (γ_{n-1} ≈ (n−1)u);
* a product of n factors (a compounded return, a level after n days) is off by at most n·u
  relative to its value;
* a return taken as a ratio of two such levels, ``L1 / L0 − 1``, therefore has an *absolute*
  error of about 2·n·u·(1 + |r|): relative to 1 + r, not to r, which is why a relative tolerance
  on a return near zero is wrong.

A safety factor of 4 covers the few extra operations (a division, a subtraction) around each
kernel. The bounds stay far below any real error a test looks for (a wrong formula changes a
result in the 3rd or 4th digit, not the 12th).
"""

from __future__ import annotations

import numpy as np

EPS = float(np.finfo(np.float64).eps)  # 2.22e-16; unit roundoff u = EPS / 2
SAFETY = 4.0


def sum_tol(n: int, scale: float = 1.0) -> float:
    """Absolute tolerance for two evaluations of a sum of ``n`` terms of magnitude ≤ ``scale``."""
    return SAFETY * 2 * max(n, 1) * (EPS / 2) * abs(scale)


def prod_tol(n: int) -> float:
    """Relative tolerance for two evaluations of a product of ``n`` factors."""
    return SAFETY * 2 * max(n, 1) * (EPS / 2)


def return_tol(n: int, r: float) -> float:
    """Absolute tolerance for a return compounded over ``n`` steps (``L_n / L_0 − 1``)."""
    return SAFETY * 2 * 2 * max(n, 1) * (EPS / 2) * (1.0 + abs(r))
