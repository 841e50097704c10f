"""momentum_lib: the companion library of the book "Momentum, explained".

The thread's formula for gradient descent with momentum,

    Δw ← α·Δw − η·∇Q(w);   w ← w + Δw

(η the learning rate, α the momentum or decay factor), with the losses,
landscapes, theory and plots that the book's chapters use. Modules:

- :mod:`momentum_lib.optimizers`: the update and
  :func:`~momentum_lib.optimizers.minimize` (chapters 2–4)
- :mod:`momentum_lib.losses`: MSE, MAE, Huber, binary cross-entropy (chapters 2, 5)
- :mod:`momentum_lib.models`: linear and logistic regression as Q(w), ∇Q(w) (chapter 1),
  a small neural network, :class:`~momentum_lib.models.MLP` (chapter 11)
- :mod:`momentum_lib.landscapes`: test landscapes with gradients (chapter 3), Nesterov's
  worst function and a function where the heavy ball cycles (chapter 10)
- :mod:`momentum_lib.conventions`: the PyTorch and moving-average forms (chapter 6), Adam
  (chapter 11)
- :mod:`momentum_lib.theory`: convergence rates on quadratics (chapter 7), the ball's
  parameters (chapter 10)
- :mod:`momentum_lib.gradient_check`: finite-difference gradient checks (chapter 2)
- :mod:`momentum_lib.datasets`: two small real data sets, shipped (chapters 1, 4)
- :mod:`momentum_lib.plotting`: the shared figures and the book's one palette
- :mod:`momentum_lib.tables`: the printed tables (chapter 0)
- :mod:`momentum_lib.interactive`: the interactive figures and their widget twins
- :mod:`momentum_lib.exercises`: the auto-checked exercises, ``check`` and ``grade``
"""

from momentum_lib.datasets import load_breast_cancer, load_diabetes, standardize
from momentum_lib.gradient_check import finite_difference_gradient, gradient_error
from momentum_lib.landscapes import BumpySlope, Quadratic, Rosenbrock
from momentum_lib.models import Objective, design_matrix, linear_regression, logistic_regression
from momentum_lib.optimizers import Trajectory, gradient_descent_step, minimize, momentum_step
from momentum_lib.tables import format_table, print_table

__all__ = [
    "BumpySlope",
    "Objective",
    "Quadratic",
    "Rosenbrock",
    "Trajectory",
    "design_matrix",
    "finite_difference_gradient",
    "format_table",
    "gradient_descent_step",
    "gradient_error",
    "linear_regression",
    "load_breast_cancer",
    "load_diabetes",
    "logistic_regression",
    "minimize",
    "momentum_step",
    "print_table",
    "standardize",
]
__version__ = "0.1.0"
