"""The network, L2 regularization, decoupled weight decay and Adam, against references.

Chapter 11's library additions, each checked against something it is not built from:

* ``MLP``: its output against a per-sample loop written from the formula and the documented
  layout of w; its backpropagated gradient against central finite differences; with no
  hidden layer, against linear and logistic regression; its minibatch gradient against the
  gradients of every possible minibatch; the zero start's gradient against its closed form;
* ``l2_regularized``: the penalty, its gradient (finite differences), its Hessian, and the
  ridge solution in closed form;
* ``minimize(..., weight_decay=ω)``: a hand-written SGDW loop; with α = 0 it equals L2;
  the fixed points on a quadratic, λc/(λ + ω) with L2 and λc/(λ + (1 − α)ω) decoupled;
* ``adam``: Adam written as explicit weighted sums of all past gradients (not as the
  recurrence the library uses); the closed forms of a constant gradient and of pure decay;
  the moving-average form of chapter 6 with a per-step learning rate, exactly;
* every bad input refused with a message that names the parameter.

PyTorch's optimizers and autograd are checked in test_torch_crosscheck.py.
"""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from momentum_lib import Quadratic, minimize
from momentum_lib.conventions import adam, moving_average_sgd
from momentum_lib.gradient_check import finite_difference_gradient, gradient_error
from momentum_lib.models import (
    MLP,
    Objective,
    design_matrix,
    l2_regularized,
    linear_regression,
    logistic_regression,
)

RNG = np.random.default_rng(20260611)
FEATURES = RNG.normal(size=(9, 3))
TARGETS = np.sin(FEATURES @ [1.0, -2.0, 0.5])  # a curved target no line fits
LABELS = (FEATURES[:, 0] * FEATURES[:, 1] > 0).astype(float)  # XOR-like classes
ARCHITECTURES = [(), (4,), (4, 3)]


def smooth_gradient(w):
    """∇Q of a smooth non-quadratic bowl, Q = Σ log cosh(w_i − 0.3) + 0.25 w_i²."""
    return np.tanh(w - 0.3) + 0.5 * w


# ---------------------------------------------------------------------------
# MLP: the forward pass
# ---------------------------------------------------------------------------


def test_the_output_is_the_formula_computed_sample_by_sample():
    """w laid out as documented: W_1 row by row, b_1, W_2, b_2, ... ."""
    w1, b1 = RNG.normal(size=(4, 3)), RNG.normal(size=4)
    w2, b2 = RNG.normal(size=(2, 4)), RNG.normal(size=2)
    w3, b3 = RNG.normal(size=(1, 2)), RNG.normal(size=1)
    w = np.concatenate([w1.ravel(), b1, w2.ravel(), b2, w3.ravel(), b3])
    expected = []
    for x in FEATURES:
        hidden_1 = [np.tanh(sum(w1[j, i] * x[i] for i in range(3)) + b1[j]) for j in range(4)]
        hidden_2 = [
            np.tanh(sum(w2[k, j] * hidden_1[j] for j in range(4)) + b2[k]) for k in range(2)
        ]
        expected.append(w3[0, 0] * hidden_2[0] + w3[0, 1] * hidden_2[1] + b3[0])
    net = MLP(inputs=3, hidden=[4, 2])
    assert net.size == w.size == 4 * 3 + 4 + 2 * 4 + 2 + 2 + 1
    np.testing.assert_allclose(net.predict(w, FEATURES), expected, rtol=1e-13, atol=1e-13)
    (m1, _), (m2, _), (m3, c3) = net.layers(w)
    assert (m1.shape, m2.shape, m3.shape) == ((4, 3), (2, 4), (1, 2))
    np.testing.assert_array_equal(m2, w2)
    np.testing.assert_array_equal(c3, b3)


def test_sizes_and_the_number_of_weights():
    assert MLP(10, 8).sizes == (10, 8, 1)
    assert MLP(10, 8).size == 10 * 8 + 8 + 8 + 1
    assert MLP(2, (3, 5)).sizes == (2, 3, 5, 1)
    assert MLP(2, ()).size == 3  # the linear model: two weights and an intercept
    assert MLP(2, np.int64(3)).hidden == (3,)


def test_swapping_two_hidden_units_leaves_the_network_unchanged():
    """The loss is symmetric under permutations of hidden units: one reason it is not convex."""
    net = MLP(3, 4)
    w = net.initial_weights(seed=3)
    (matrix_in, bias_in), (matrix_out, _) = net.layers(w)
    swapped = w.copy()
    (s_in, s_bias), (s_out, _) = net.layers(swapped)
    s_in[[0, 2]], s_bias[[0, 2]], s_out[:, [0, 2]] = (
        matrix_in[[2, 0]],
        bias_in[[2, 0]],
        matrix_out[:, [2, 0]],
    )
    assert not np.allclose(swapped, w)
    np.testing.assert_allclose(net.predict(swapped, FEATURES), net.predict(w, FEATURES), atol=1e-14)


# ---------------------------------------------------------------------------
# MLP: the backpropagated gradient
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("loss", ["mse", "bce"])
@pytest.mark.parametrize("hidden", ARCHITECTURES, ids=str)
def test_the_backpropagated_gradient_matches_finite_differences(hidden, loss):
    net = MLP(3, hidden)
    objective = net.objective(FEATURES, LABELS if loss == "bce" else TARGETS, loss=loss)
    for seed in range(3):
        w = net.initial_weights(seed=seed, scale=1.5)
        assert gradient_error(objective.loss, objective.gradient, w) < 1e-7


def test_a_wrong_gradient_fails_the_check():
    """The check above can fail: drop the tanh' factor and the error is of order 1."""
    net = MLP(3, 4)
    objective = net.objective(FEATURES, TARGETS)
    w = net.initial_weights(seed=1, scale=1.5)
    (matrix, _), _ = net.layers(w)
    wrong = objective.gradient(w).copy()
    wrong[: matrix.size] *= 1.3  # a first layer's gradient off by 30%
    assert gradient_error(objective.loss, lambda _: wrong, w) > 1e-2


@pytest.mark.parametrize("loss", ["mse", "bce"])
def test_with_no_hidden_layer_the_network_is_linear_or_logistic_regression(loss):
    """ŷ = W x + b: the regressions of chapter 1 with the intercept put last."""
    net = MLP(3, ())
    targets = LABELS if loss == "bce" else TARGETS
    network = net.objective(FEATURES, targets, loss=loss)
    model = (logistic_regression if loss == "bce" else linear_regression)(
        design_matrix(FEATURES), targets
    )
    w = RNG.normal(size=4)  # (W, b) for the network
    reordered = np.concatenate([w[3:], w[:3]])  # (b, W) for the design matrix
    assert network.loss(w) == pytest.approx(float(model.loss(reordered)), rel=1e-13)
    gradient = model.gradient(reordered)
    np.testing.assert_allclose(
        network.gradient(w), np.concatenate([gradient[1:], gradient[:1]]), rtol=1e-12
    )


def test_loss_and_gradient_accept_a_batch_of_weights():
    net = MLP(3, (4, 2))
    objective = net.objective(FEATURES, TARGETS)
    batch = np.array([net.initial_weights(seed=s) for s in range(6)]).reshape(2, 3, net.size)
    losses, gradients = objective.loss(batch), objective.gradient(batch)
    assert losses.shape == (2, 3) and gradients.shape == (2, 3, net.size)
    for i, j in itertools.product(range(2), range(3)):
        assert losses[i, j] == pytest.approx(float(objective.loss(batch[i, j])), rel=1e-14)
        np.testing.assert_allclose(
            gradients[i, j], objective.gradient(batch[i, j]), rtol=1e-12, atol=1e-15
        )


def test_from_the_zero_start_only_the_output_bias_has_a_gradient():
    """At w = 0 every hidden unit outputs tanh(0) = 0 and sends back W_out = 0: ∇Q = (0, …, −2ȳ)."""
    net = MLP(3, (4, 3))
    gradient = net.objective(FEATURES, TARGETS).gradient(net.initial_weights(seed=0, scale=0.0))
    np.testing.assert_array_equal(gradient[:-1], 0.0)
    assert gradient[-1] == pytest.approx(-2 * TARGETS.mean(), rel=1e-12)


def test_every_minibatch_gradient_is_the_gradient_of_one_subset_drawn_uniformly():
    net = MLP(3, 2)
    n, batch_size = 6, 2
    features, targets = FEATURES[:n], TARGETS[:n]
    w = net.initial_weights(seed=4)
    subsets = list(itertools.combinations(range(n), batch_size))
    candidates = np.array(
        [net.objective(features[list(s)], targets[list(s)]).gradient(w) for s in subsets]
    )
    stochastic = net.objective(features, targets, batch_size=batch_size, seed=11).gradient
    counts = np.zeros(len(subsets))
    draws = 3000
    for _ in range(draws):
        distance = np.abs(candidates - stochastic(w)).max(axis=1)
        assert distance.min() < 1e-13, "a minibatch gradient that is no subset's gradient"
        counts[distance.argmin()] += 1
    expected = draws / len(subsets)  # 200 each; a binomial's spread is about 14
    assert np.abs(counts - expected).max() < 5 * np.sqrt(expected)
    full = net.objective(features, targets).gradient(w)
    np.testing.assert_allclose(candidates.mean(axis=0), full, rtol=1e-12, atol=1e-15)


def test_a_minibatch_of_every_sample_is_the_full_gradient_and_draws_follow_the_seed():
    net = MLP(3, 4)
    w = net.initial_weights(seed=2)
    whole = net.objective(FEATURES, TARGETS, batch_size=len(TARGETS), seed=0).gradient(w)
    np.testing.assert_allclose(whole, net.objective(FEATURES, TARGETS).gradient(w), rtol=1e-12)
    draws = [net.objective(FEATURES, TARGETS, batch_size=3, seed=s).gradient for s in (7, 7, 8)]
    first, again, other = ([g(w) for _ in range(3)] for g in draws)
    np.testing.assert_array_equal(first, again)
    assert not np.allclose(first, other)


def test_initial_weights_spread_like_one_over_the_root_of_the_fan_in():
    net = MLP(400, 300)
    w = net.initial_weights(seed=5, scale=2.0)
    (matrix, bias), (out_matrix, out_bias) = net.layers(w)
    assert matrix.std() == pytest.approx(2.0 / np.sqrt(400), rel=0.01)
    assert out_matrix.std() == pytest.approx(2.0 / np.sqrt(300), rel=0.2)
    assert not bias.any() and not out_bias.any()
    np.testing.assert_array_equal(w, net.initial_weights(seed=5, scale=2.0))
    assert not net.initial_weights(seed=0, scale=0.0).any()


# ---------------------------------------------------------------------------
# L2 regularization
# ---------------------------------------------------------------------------


def test_l2_adds_half_omega_times_the_squared_norm_and_omega_times_w():
    plain = MLP(3, 4).objective(FEATURES, TARGETS)
    ridge = l2_regularized(plain, 0.3)
    w = MLP(3, 4).initial_weights(seed=1)
    assert ridge.loss(w) == pytest.approx(float(plain.loss(w)) + 0.15 * np.sum(w**2), rel=1e-14)
    np.testing.assert_allclose(
        ridge.gradient(w), finite_difference_gradient(ridge.loss, w), rtol=1e-6, atol=1e-9
    )
    np.testing.assert_allclose(ridge.gradient(w) - plain.gradient(w), 0.3 * w, rtol=1e-12)
    assert ridge.hessian is None  # the network has no Hessian to shift
    batch = np.stack([w, 2 * w])
    np.testing.assert_allclose(ridge.loss(batch), [ridge.loss(w), ridge.loss(2 * w)], rtol=1e-14)


def test_l2_shifts_the_hessian_and_moves_the_minimum_to_the_ridge_solution():
    X = design_matrix(FEATURES)
    n, strength = len(TARGETS), 0.5
    ridge = l2_regularized(linear_regression(X, TARGETS), strength)
    np.testing.assert_allclose(ridge.hessian(np.zeros(4)), 2 / n * X.T @ X + strength * np.eye(4))
    closed_form = np.linalg.solve(2 / n * X.T @ X + strength * np.eye(4), 2 / n * X.T @ TARGETS)
    run = minimize(ridge.gradient, np.zeros(4), learning_rate=0.2, momentum=0.5, steps=3000)
    np.testing.assert_allclose(run.final_weights, closed_form, atol=1e-12)
    assert l2_regularized(linear_regression(X, TARGETS), 0.0).loss(closed_form) < ridge.loss(
        closed_form
    )


# ---------------------------------------------------------------------------
# Decoupled weight decay in minimize
# ---------------------------------------------------------------------------


def sgdw_reference(w0, rates, alpha, omega, nesterov=False):
    """Loshchilov and Hutter's SGDW in the thread's form: the decay never enters Δw."""
    w, delta_w, out = np.array(w0, dtype=float), np.zeros(len(w0)), [np.array(w0, dtype=float)]
    for eta in rates:
        at = w + alpha * delta_w if nesterov else w
        delta_w = alpha * delta_w - eta * smooth_gradient(at)
        w = w + delta_w - eta * omega * w
        out.append(w)
    return np.array(out)


@pytest.mark.parametrize("nesterov", [False, True])
def test_weight_decay_is_the_hand_written_sgdw(nesterov):
    w0, steps = np.array([1.5, -2.0, 0.4]), 40
    rates = 0.1 * np.where(
        np.arange(steps) < 15, 1.0, 0.5
    )  # with a schedule, the decay follows η_t
    run = minimize(
        smooth_gradient, w0, learning_rate=0.1, schedule=rates / 0.1, momentum=0.8,
        nesterov=nesterov, weight_decay=0.3, steps=steps,
    )  # fmt: skip
    reference = sgdw_reference(w0, rates, 0.8, 0.3, nesterov)
    np.testing.assert_allclose(run.weights, reference, rtol=1e-13, atol=1e-15)
    # Δw is the formula's, without the decay: w_(t+1) = w_t + Δw_t − η_t·ω·w_t
    decay = rates[:, None] * 0.3 * run.weights[:-1]
    np.testing.assert_allclose(np.diff(run.weights, axis=0), run.updates - decay, atol=1e-15)


def test_without_momentum_decoupled_weight_decay_is_l2():
    """w − η(∇Q + ωw) = w − η∇Q − ηωw: the two coincide when there is no buffer."""
    w0 = np.array([1.5, -2.0])
    ridge = l2_regularized(Objective(lambda w: 0.0, smooth_gradient), 0.4)
    l2 = minimize(ridge.gradient, w0, learning_rate=0.2, steps=50)
    decoupled = minimize(smooth_gradient, w0, learning_rate=0.2, weight_decay=0.4, steps=50)
    np.testing.assert_allclose(decoupled.weights, l2.weights, rtol=1e-14, atol=1e-15)
    with_momentum = minimize(
        smooth_gradient, w0, learning_rate=0.2, momentum=0.5, weight_decay=0.4, steps=50
    )
    assert (
        np.abs(
            with_momentum.final_weights
            - minimize(ridge.gradient, w0, learning_rate=0.2, momentum=0.5, steps=50).final_weights
        ).max()
        > 1e-2
    )


@pytest.mark.parametrize("alpha", [0.0, 0.5, 0.9])
def test_the_fixed_points_of_l2_and_of_decoupled_decay_on_a_quadratic(alpha):
    """Q = ½ Σ λ_i (w_i − c_i)²: L2 stops at λc/(λ + ω), decoupled decay at λc/(λ + (1 − α)ω).

    At a fixed point of the decoupled run Δw = −η∇Q/(1 − α) and Δw = ηωw, so ∇Q = −(1 − α)ωw:
    the buffer multiplies every gradient by 1/(1 − α), the decay it never sees.
    """
    curvatures, minimizer, omega = np.array([1.0, 4.0]), np.array([2.0, -1.0]), 0.5
    bowl = Quadratic(curvatures, minimizer=minimizer)
    ridge = l2_regularized(Objective(bowl.loss, bowl.gradient), omega)
    common = dict(learning_rate=0.05, momentum=alpha, steps=4000)
    l2 = minimize(ridge.gradient, [0.0, 0.0], **common).final_weights
    decoupled = minimize(bowl.gradient, [0.0, 0.0], weight_decay=omega, **common).final_weights
    np.testing.assert_allclose(l2, curvatures * minimizer / (curvatures + omega), atol=1e-10)
    expected = curvatures * minimizer / (curvatures + (1 - alpha) * omega)
    np.testing.assert_allclose(decoupled, expected, atol=1e-10)


def test_weight_decay_on_a_batch_equals_the_runs_one_by_one():
    w0 = np.array([1.5, -2.0])
    rates = np.array([0.05, 0.1, 0.2])
    batch = minimize(
        smooth_gradient, w0, learning_rate=rates, momentum=0.7, weight_decay=0.2, steps=30
    )
    for k, eta in enumerate(rates):
        alone = minimize(
            smooth_gradient, w0, learning_rate=eta, momentum=0.7, weight_decay=0.2, steps=30
        )
        np.testing.assert_allclose(batch[k].weights, alone.weights, rtol=1e-14, atol=1e-15)


# ---------------------------------------------------------------------------
# Adam
# ---------------------------------------------------------------------------


def adam_as_sums(w0, rates, beta1, beta2, epsilon=1e-8, omega=0.0, gradient=smooth_gradient):
    """Adam with m_t and v_t written as weighted sums over all past gradients.

    m_t = (1 − β₁) Σ_s β₁^(t−s) g_s and v_t = (1 − β₂) Σ_s β₂^(t−s) g_s², divided by the
    sum of their weights 1 − β^t: the averages that Adam's recurrences compute.
    """
    w, past, out = np.array(w0, dtype=float), [], [np.array(w0, dtype=float)]
    for t, eta in enumerate(rates, start=1):
        past.append(gradient(w))
        ages = np.arange(t - 1, -1, -1)[:, None]  # t − s for s = 1, …, t
        g = np.array(past)
        m_hat = ((1 - beta1) * beta1**ages * g).sum(axis=0) / ((1 - beta1) * beta1**ages).sum()
        v_hat = ((1 - beta2) * beta2**ages * g**2).sum(axis=0) / ((1 - beta2) * beta2**ages).sum()
        w = w - eta * m_hat / (np.sqrt(v_hat) + epsilon) - eta * omega * w
        out.append(w)
    return np.array(out)


@pytest.mark.parametrize(
    ("beta1", "beta2", "omega"),
    [(0.9, 0.999, 0.0), (0.0, 0.9, 0.0), (0.5, 0.99, 0.3), (0.99, 0.999, 0.1)],
)
def test_adam_is_the_average_of_past_gradients_over_their_root_mean_square(beta1, beta2, omega):
    w0, steps = np.array([1.5, -2.0, 0.4]), 60
    rates = np.geomspace(0.1, 0.01, steps)  # a schedule
    run = adam(
        smooth_gradient,
        w0,
        learning_rate=rates,
        beta1=beta1,
        beta2=beta2,
        weight_decay=omega,
        steps=steps,
    )
    np.testing.assert_allclose(
        run, adam_as_sums(w0, rates, beta1, beta2, omega=omega), rtol=1e-12, atol=1e-14
    )


def test_a_constant_gradient_gives_steps_of_exactly_eta():
    """g = c at every step: m̂ = c and v̂ = c², so each step is −η·c/(|c| + ε), whatever β₁ and c."""
    slope = np.array([1e-3, -5.0, 200.0])
    for beta1 in (0.0, 0.5, 0.9, 0.99):
        run = adam(lambda w: slope, np.zeros(3), learning_rate=0.01, beta1=beta1, steps=30)
        np.testing.assert_allclose(
            np.diff(run, axis=0),
            np.tile(-0.01 * slope / (np.abs(slope) + 1e-8), (30, 1)),
            rtol=1e-12,
        )


def test_adamw_on_a_flat_loss_shrinks_the_weights_by_one_minus_eta_omega_per_step():
    run = adam(
        lambda w: np.zeros_like(w), [2.0, -1.0], learning_rate=0.1, weight_decay=0.5, steps=20
    )
    expected = np.array([2.0, -1.0]) * (1 - 0.1 * 0.5) ** np.arange(21)[:, None]
    np.testing.assert_allclose(run, expected, rtol=1e-13)


def test_l2_through_adam_forgets_its_strength():
    """With Q = 0, Adam on ω/2‖w‖² sees g = ωw and divides it by √v̂ ≈ ω|w|: ω cancels.

    Decoupled decay keeps ω: ten times ω, ten times the first step's decay.
    """
    flat = Objective(lambda w: 0.0, lambda w: np.zeros_like(w))
    w0 = np.array([2.0, -1.0])
    weak, strong = (
        adam(l2_regularized(flat, omega).gradient, w0, learning_rate=0.01, steps=50)
        for omega in (0.1, 1.0)
    )
    np.testing.assert_allclose(strong, weak, rtol=1e-6)
    np.testing.assert_allclose(weak[1], w0 - 0.01 * np.sign(w0), rtol=1e-6)  # a step of η
    weak, strong = (
        adam(flat.gradient, w0, learning_rate=0.01, weight_decay=omega, steps=1)
        for omega in (0.1, 1.0)
    )
    np.testing.assert_allclose(strong[1] - w0, 10 * (weak[1] - w0), rtol=1e-12)


def test_adam_for_one_weight_is_the_moving_average_form_with_a_per_step_learning_rate():
    """w ← w − η·m̂/(√v̂ + ε) = w − η_t·m with η_t = η/((1 − β₁^t)(√v̂_t + ε)): chapter 6's form."""
    eta, beta1, beta2, steps = 0.05, 0.9, 0.99, 80
    weights = adam(smooth_gradient, [2.5], learning_rate=eta, beta1=beta1, beta2=beta2, steps=steps)
    v, rates = 0.0, []
    for t, w in enumerate(weights[:-1], start=1):
        v = beta2 * v + (1 - beta2) * smooth_gradient(w[0]) ** 2
        rates.append(eta / ((1 - beta1**t) * (np.sqrt(v / (1 - beta2**t)) + 1e-8)))
    form = moving_average_sgd(smooth_gradient, [2.5], learning_rate=rates, beta=beta1, steps=steps)
    np.testing.assert_allclose(form, weights, rtol=1e-13, atol=1e-15)


def test_adam_on_a_batch_equals_the_runs_one_by_one():
    starts = np.array([[1.5, -2.0], [0.3, 0.7], [-1.0, 4.0]])
    batch = adam(smooth_gradient, starts, learning_rate=0.05, steps=25)
    assert batch.shape == (26, 3, 2)
    for k, w0 in enumerate(starts):
        np.testing.assert_array_equal(
            batch[:, k], adam(smooth_gradient, w0, learning_rate=0.05, steps=25)
        )


# ---------------------------------------------------------------------------
# Bad input
# ---------------------------------------------------------------------------


def bad_inputs():
    net = MLP(3, 4)
    w = net.initial_weights(seed=0)
    objective = net.objective(FEATURES, TARGETS)
    cases = [
        ("inputs=0", lambda: MLP(0, 4), ValueError, "inputs must be an integer >= 1"),
        ("inputs=2.5", lambda: MLP(2.5, 4), TypeError, "inputs must be an integer"),
        ("hidden=[4, 0]", lambda: MLP(3, [4, 0]), ValueError, "hidden must be an integer >= 1"),
        ("hidden=-1", lambda: MLP(3, -1), ValueError, "hidden must be an integer"),
        ("hidden='4'", lambda: MLP(3, "4"), TypeError, "hidden must be an integer"),
        ("hidden=None", lambda: MLP(3, None), TypeError, "hidden must be a width"),
        ("features 1-D", lambda: net.objective(FEATURES[:, 0], TARGETS), ValueError, "features"),
        (
            "features, 2 inputs",
            lambda: net.objective(FEATURES[:, :2], TARGETS),
            ValueError,
            "features must be 2-D, samples × 3 inputs",
        ),
        ("targets too short", lambda: net.objective(FEATURES, TARGETS[:4]), ValueError, "targets"),
        (
            "targets nan",
            lambda: net.objective(FEATURES, TARGETS * np.nan),
            ValueError,
            "targets must be finite",
        ),
        (
            "loss name",
            lambda: net.objective(FEATURES, TARGETS, loss="mae"),
            ValueError,
            "loss must be one of",
        ),
        (
            "bce labels",
            lambda: net.objective(FEATURES, TARGETS + 2, loss="bce"),
            ValueError,
            "targets must be probabilities",
        ),
        (
            "batch_size=0",
            lambda: net.objective(FEATURES, TARGETS, batch_size=0),
            ValueError,
            "batch_size must lie in",
        ),
        (
            "batch_size=10",
            lambda: net.objective(FEATURES, TARGETS, batch_size=10),
            ValueError,
            "batch_size must lie in",
        ),
        (
            "w too short",
            lambda: objective.loss(w[:-1]),
            ValueError,
            "w must have the network's 21 weights",
        ),
        (
            "w too long",
            lambda: objective.gradient(np.append(w, 0.0)),
            ValueError,
            "w must have the network's 21 weights",
        ),
        ("predict features", lambda: net.predict(w, FEATURES[:, :2]), ValueError, "features"),
        (
            "scale=-1",
            lambda: net.initial_weights(seed=0, scale=-1.0),
            ValueError,
            "scale must be one finite number >= 0",
        ),
        (
            "strength=-0.1",
            lambda: l2_regularized(objective, -0.1),
            ValueError,
            "strength must be one finite number >= 0",
        ),
        ("strength=nan", lambda: l2_regularized(objective, np.nan), ValueError, "strength"),
        (
            "l2 of a function",
            lambda: l2_regularized(objective.gradient, 0.1),
            TypeError,
            "objective must be an Objective",
        ),
        (
            "minimize weight_decay=-1",
            lambda: minimize(smooth_gradient, [1.0], learning_rate=0.1, weight_decay=-1.0, steps=3),
            ValueError,
            "weight_decay must be one finite number >= 0, got -1.0",
        ),
        (
            "minimize weight_decay=[0.1, 0.2]",
            lambda: minimize(
                smooth_gradient, [1.0], learning_rate=0.1, weight_decay=[0.1, 0.2], steps=3
            ),
            ValueError,
            "weight_decay must be one finite number",
        ),
        (
            "adam weight_decay=inf",
            lambda: adam(smooth_gradient, [1.0], learning_rate=0.1, weight_decay=np.inf, steps=3),
            ValueError,
            "weight_decay",
        ),
        (
            "adam beta1=1",
            lambda: adam(smooth_gradient, [1.0], learning_rate=0.1, beta1=1.0, steps=3),
            ValueError,
            r"beta1 must lie in \[0, 1\), got 1.0",
        ),
        (
            "adam beta2=-0.5",
            lambda: adam(smooth_gradient, [1.0], learning_rate=0.1, beta2=-0.5, steps=3),
            ValueError,
            r"beta2 must lie in \[0, 1\)",
        ),
        (
            "adam epsilon=0",
            lambda: adam(smooth_gradient, [1.0], learning_rate=0.1, epsilon=0.0, steps=3),
            ValueError,
            "epsilon must be finite and > 0",
        ),
        (
            "adam learning_rate=0",
            lambda: adam(smooth_gradient, [1.0], learning_rate=0.0, steps=3),
            ValueError,
            "learning_rate must be finite and > 0",
        ),
        (
            "adam schedule length",
            lambda: adam(smooth_gradient, [1.0], learning_rate=[0.1, 0.1], steps=3),
            ValueError,
            "learning_rate must be one number or one per step",
        ),
        (
            "adam steps=-1",
            lambda: adam(smooth_gradient, [1.0], learning_rate=0.1, steps=-1),
            ValueError,
            "steps must be an integer >= 0",
        ),
        (
            "adam gradient",
            lambda: adam(None, [1.0], learning_rate=0.1, steps=3),
            TypeError,
            "gradient must be a callable",
        ),
        (
            "adam w0 nan",
            lambda: adam(smooth_gradient, [np.nan], learning_rate=0.1, steps=3),
            ValueError,
            "w0 must be finite",
        ),
    ]
    return [pytest.param(call, error, match, id=name) for name, call, error, match in cases]


@pytest.mark.parametrize(("call", "error", "match"), bad_inputs())
def test_bad_input_is_refused_with_a_message_naming_the_parameter(call, error, match):
    with pytest.raises(error, match=match):
        call()
