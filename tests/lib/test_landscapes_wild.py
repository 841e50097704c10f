"""Chapter 10's library: the ball's (η, α), Nesterov's worst function, Lessard's counterexample.

Each is checked against a reference written here: the formulas term by term, finite
differences, closed forms (the worst function's minimizer, its Hessian's eigenvalues, the
lower bound q^k·‖w*‖, the continuous ball's motion), and hand-written recurrences of
the stepped ball, of the heavy ball and of Nesterov's method.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from momentum_lib import minimize, theory
from momentum_lib.gradient_check import finite_difference_gradient
from momentum_lib.landscapes import LessardCounterexample, NesterovWorstFunction

SETTINGS = settings(max_examples=40, deadline=None)


def polyak_pair(mu, big_l):
    """Polyak's heavy-ball tuning, written out: η = 4/(√μ + √L)², α = ((√L − √μ)/(√L + √μ))²."""
    root_mu, root_l = np.sqrt(mu), np.sqrt(big_l)
    return 4.0 / (root_mu + root_l) ** 2, ((root_l - root_mu) / (root_l + root_mu)) ** 2


def heavy_ball(gradient, w0, eta, alpha, steps):
    """w_(t+1) = w_t − η ∇Q(w_t) + α (w_t − w_(t−1)), from w_(−1) = w0."""
    previous, w = np.array(w0, dtype=float), np.array(w0, dtype=float)
    path = [w]
    for _ in range(steps):
        w, previous = w - eta * gradient(w) + alpha * (w - previous), w
        path.append(w)
    return np.array(path)


def nesterov(gradient, w0, eta, alpha, steps):
    """Nesterov's constant-step scheme: y = w_t + α (w_t − w_(t−1)), w_(t+1) = y − η ∇Q(y)."""
    previous, w = np.array(w0, dtype=float), np.array(w0, dtype=float)
    path = [w]
    for _ in range(steps):
        look_ahead = w + alpha * (w - previous)
        w, previous = look_ahead - eta * gradient(look_ahead), w
        path.append(w)
    return np.array(path)


# ---------------------------------------------------------------------------
# The ball: theory.ball_parameters
# ---------------------------------------------------------------------------


def exact_ball(times, mass, friction, curvature, w0):
    """The continuous ball m·w'' + γ·w' + λ·w = 0 from rest at w0 (closed form)."""
    root = np.sqrt(complex(friction**2 - 4 * mass * curvature))
    r1, r2 = (-friction + root) / (2 * mass), (-friction - root) / (2 * mass)
    if root == 0:  # critical damping: w0 (1 + γt/2m) e^(−γt/2m)
        return w0 * (1 - r1.real * times) * np.exp(r1.real * times)
    return (w0 * (r2 * np.exp(r1 * times) - r1 * np.exp(r2 * times)) / (r2 - r1)).real


def test_ball_parameters_closed_form():
    assert theory.ball_parameters(1.0, 1.0, 0.25) == pytest.approx((0.05, 0.8), rel=1e-15)
    assert theory.ball_parameters(2.0, 1.0, 0.25) == pytest.approx((0.0625 / 2.25, 2 / 2.25))
    eta, alpha = theory.ball_parameters([1.0, 2.0], 1.0, [[0.1], [0.2]])
    assert eta.shape == alpha.shape == (2, 2)
    np.testing.assert_allclose(alpha[1], [1 / 1.2, 2 / 2.2])


@SETTINGS
@given(mass=st.floats(0.1, 10.0), friction=st.floats(0.1, 10.0), h=st.floats(0.001, 1.0))
def test_ball_parameters_heavier_and_more_friction(mass, friction, h):
    eta, alpha = theory.ball_parameters(mass, friction, h)
    heavier = theory.ball_parameters(2 * mass, friction, h)
    rougher = theory.ball_parameters(mass, 2 * friction, h)
    assert heavier[1] > alpha and heavier[0] < eta  # more mass: α up, η down
    assert rougher[1] < alpha and rougher[0] < eta  # more friction: both down
    assert 0 < alpha < 1
    # The effective learning rate is h/γ, whatever the mass.
    assert eta / (1 - alpha) == pytest.approx(h / friction, rel=1e-9)
    assert heavier[0] / (1 - heavier[1]) == pytest.approx(h / friction, rel=1e-9)


def test_the_stepped_ball_is_minimize():
    """Newton's law stepped by hand (friction on the new velocity) on a 2-D valley."""
    valley = np.array([1.0, 30.0])  # curvatures of Q(w) = ½ Σ λ_i w_i²

    def gradient(w):
        return valley * w

    mass, friction, h = 1.5, 0.7, 0.05
    w, v = np.array([2.0, -1.0]), np.zeros(2)
    path = [w]
    for _ in range(400):
        v = (mass * v - h * gradient(w)) / (mass + friction * h)
        w = w + h * v
        path.append(w)
    eta, alpha = theory.ball_parameters(mass, friction, h)
    run = minimize(gradient, [2.0, -1.0], learning_rate=eta, momentum=alpha, steps=400)
    np.testing.assert_allclose(run.weights, np.array(path), rtol=0, atol=1e-13)


@pytest.mark.parametrize("friction", [0.5, 2.0, 5.0])  # under-, critically, over-damped
def test_the_stepped_ball_approaches_the_continuous_one_at_first_order(friction):
    gaps = []
    for h in (0.1, 0.05, 0.025):
        eta, alpha = theory.ball_parameters(1.0, friction, h)
        steps = round(10 / h)
        run = minimize(lambda w: w, [1.0], learning_rate=eta, momentum=alpha, steps=steps)
        times = h * np.arange(steps + 1)
        exact = exact_ball(times, 1.0, friction, 1.0, 1.0)
        gaps.append(np.abs(run.weights[:, 0] - exact).max())
    assert gaps[2] < 0.02
    np.testing.assert_allclose(np.array(gaps[:-1]) / np.array(gaps[1:]), 2.0, rtol=0.05)


@SETTINGS
@given(mass=st.floats(0.1, 10.0), curvature=st.floats(0.1, 10.0), h=st.floats(0.001, 0.3))
def test_stepped_critical_damping_is_at_friction_two_root_m_lambda_plus_h_lambda(
    mass, curvature, h
):
    friction = 2 * np.sqrt(mass * curvature) + h * curvature
    eta, alpha = theory.ball_parameters(mass, friction, h)
    trace = 1 + alpha - eta * curvature  # z² − trace·z + α = 0 has a double root
    assert trace**2 - 4 * alpha == pytest.approx(0.0, abs=1e-12)
    assert alpha == pytest.approx(theory.critical_momentum(eta, curvature), rel=1e-9)


@pytest.mark.parametrize(
    ("arguments", "name"),
    [
        ((0.0, 1.0, 0.1), "mass"),
        ((1.0, 0.0, 0.1), "friction"),
        ((1.0, -2.0, 0.1), "friction"),
        ((1.0, 1.0, float("nan")), "time_step"),
        (("heavy", 1.0, 0.1), "mass"),
    ],
)
def test_ball_parameters_refuses_bad_input(arguments, name):
    with pytest.raises((ValueError, TypeError), match=name):
        theory.ball_parameters(*arguments)


# ---------------------------------------------------------------------------
# NesterovWorstFunction
# ---------------------------------------------------------------------------


def tridiagonal(d):
    """The d×d matrix with 2 on the diagonal and −1 beside it, entry by entry."""
    a = np.zeros((d, d))
    for i in range(d):
        a[i, i] = 2.0
        if i + 1 < d:
            a[i, i + 1] = a[i + 1, i] = -1.0
    return a


def worst_loss(w, mu, big_l):
    """Nesterov's formula, term by term."""
    chain = w[0] ** 2 + w[-1] ** 2 - 2 * w[0]
    for i in range(len(w) - 1):
        chain += (w[i] - w[i + 1]) ** 2
    return (big_l - mu) / 8 * chain + mu / 2 * sum(x * x for x in w)


@SETTINGS
@given(
    mu=st.floats(0.1, 5.0),
    ratio=st.floats(1.0, 200.0),
    w=st.lists(st.floats(-3.0, 3.0), min_size=6, max_size=6),
)
def test_worst_function_loss_gradient_and_hessian(mu, ratio, w):
    big_l = mu * ratio
    worst = NesterovWorstFunction(mu, big_l, dimension=6)
    w = np.array(w)
    assert worst.loss(w) == pytest.approx(worst_loss(w, mu, big_l), rel=1e-12, abs=1e-12)
    scale = big_l * max(1.0, np.abs(w).max())
    estimate = finite_difference_gradient(worst.loss, w)
    np.testing.assert_allclose(worst.gradient(w), estimate, rtol=1e-6, atol=1e-6 * scale)
    hessian = (big_l - mu) / 4 * tridiagonal(6) + mu * np.eye(6)
    np.testing.assert_allclose(worst.hessian, hessian, rtol=1e-14)
    e1 = np.eye(6)[0]
    np.testing.assert_allclose(
        worst.gradient(w), hessian @ w - (big_l - mu) / 4 * e1, rtol=1e-12, atol=1e-12 * scale
    )


@pytest.mark.parametrize(("mu", "big_l", "d"), [(1.0, 9.0, 3), (1.0, 100.0, 50), (0.3, 30.0, 7)])
def test_worst_function_minimizer_and_curvatures_closed_forms(mu, big_l, d):
    worst = NesterovWorstFunction(mu, big_l, dimension=d)
    hessian = (big_l - mu) / 4 * tridiagonal(d) + mu * np.eye(d)
    solved = np.linalg.solve(hessian, (big_l - mu) / 4 * np.eye(d)[0])
    np.testing.assert_allclose(worst.minimizer, solved, rtol=1e-10, atol=1e-14)
    np.testing.assert_allclose(worst.gradient(worst.minimizer), 0.0, atol=1e-12 * big_l)
    eigenvalues = np.linalg.eigvalsh(hessian)
    np.testing.assert_allclose(worst.curvatures, eigenvalues, rtol=1e-10)
    assert mu < eigenvalues.min() and eigenvalues.max() < big_l
    assert worst.condition_number == pytest.approx(big_l / mu)


def test_worst_function_rate_and_its_minimizer_far_from_the_boundary():
    worst = NesterovWorstFunction(1.0, 9.0, dimension=200)  # √κ = 3, q = 1/2
    assert worst.rate == pytest.approx(0.5, rel=1e-15)
    np.testing.assert_allclose(worst.minimizer[:40], 0.5 ** np.arange(1, 41), rtol=1e-12)


def test_lower_bound_is_the_unreached_tail_and_about_q_to_the_k():
    worst = NesterovWorstFunction(1.0, 100.0, dimension=400)
    w_star = worst.minimizer
    bound = worst.lower_bound(450)
    assert bound.shape == (451,)
    for k in (0, 1, 7, 60, 399):
        assert bound[k] == pytest.approx(np.linalg.norm(w_star[k:]), rel=1e-12)
    assert np.all(bound[400:] == 0.0)  # after d steps every weight can be reached
    q = 9.0 / 11.0  # (√100 − 1)/(√100 + 1)
    k = np.arange(120)
    np.testing.assert_allclose(bound[:120], q**k * np.linalg.norm(w_star), rtol=1e-9)


@SETTINGS
@given(
    eta=st.floats(0.001, 0.019),
    alpha=st.floats(0.0, 0.95),
    look_ahead=st.booleans(),
)
def test_no_gradient_method_beats_the_lower_bound(eta, alpha, look_ahead):
    worst = NesterovWorstFunction(1.0, 100.0, dimension=60)
    run = minimize(
        worst.gradient, np.zeros(60), learning_rate=eta, momentum=alpha, nesterov=look_ahead,
        steps=40,
    )  # fmt: skip
    for k, w in enumerate(run.weights):
        assert not np.any(w[k:]), f"step {k} reached weight {k + 1}"
    distances = np.linalg.norm(run.weights - worst.minimizer, axis=1)
    assert np.all(distances >= worst.lower_bound(40) * (1 - 1e-12))


def test_heavy_ball_at_polyaks_pair_meets_the_bound_step_for_step():
    """From 0 it reaches (q, q², …, q^k, 0, …) after k steps (exactly, in infinite dimension)."""
    worst = NesterovWorstFunction(1.0, 100.0, dimension=500)
    eta, alpha = polyak_pair(1.0, 100.0)
    path = heavy_ball(worst.gradient, np.zeros(500), eta, alpha, steps=30)
    q = 9.0 / 11.0
    for k in (1, 2, 10, 30):
        expected = np.zeros(500)
        expected[:k] = q ** np.arange(1, k + 1)
        np.testing.assert_allclose(path[k], expected, rtol=1e-9, atol=1e-15)
    distances = np.linalg.norm(path - worst.minimizer, axis=1)
    np.testing.assert_allclose(distances, worst.lower_bound(30), rtol=1e-9)


def test_worst_function_keeps_batch_axes():
    worst = NesterovWorstFunction(1.0, 10.0, dimension=5)
    ws = np.random.default_rng(1).normal(size=(3, 4, 5))
    assert worst.loss(ws).shape == (3, 4) and worst.gradient(ws).shape == (3, 4, 5)
    np.testing.assert_allclose(worst.loss(ws)[2, 1], worst_loss(ws[2, 1], 1.0, 10.0))
    np.testing.assert_allclose(worst.gradient(ws)[0, 3], worst.gradient(ws[0, 3]))


@pytest.mark.parametrize(
    ("arguments", "error", "match"),
    [
        ({"smallest_curvature": 0.0}, ValueError, "smallest_curvature"),
        ({"largest_curvature": float("inf")}, ValueError, "largest_curvature"),
        ({"smallest_curvature": 5.0, "largest_curvature": 2.0}, ValueError, "largest_curvature"),
        ({"dimension": 0}, ValueError, "dimension"),
        ({"dimension": 2.5}, TypeError, "dimension"),
        ({"dimension": True}, TypeError, "dimension"),
    ],
)
def test_worst_function_refuses_bad_input(arguments, error, match):
    with pytest.raises(error, match=match):
        NesterovWorstFunction(**arguments)


def test_worst_function_refuses_weights_of_another_dimension():
    worst = NesterovWorstFunction(dimension=4)
    with pytest.raises(ValueError, match=r"w must have 4 weights.*got shape \(3,\)"):
        worst.gradient(np.zeros(3))
    with pytest.raises(ValueError, match="dimension"):
        worst.loss(1.0)
    with pytest.raises(ValueError, match="steps"):
        worst.lower_bound(-1)


# ---------------------------------------------------------------------------
# LessardCounterexample
# ---------------------------------------------------------------------------


def lessard_loss(x):
    """The three pieces as Lessard, Recht and Packard write them (L = 25, μ = 1)."""
    if x < 1:
        return 25 / 2 * x**2
    if x < 2:
        return x**2 / 2 + 24 * x - 12
    return 25 / 2 * x**2 - 24 * x + 36


@SETTINGS
@given(x=st.floats(-5.0, 6.0))
def test_lessard_loss_and_gradient(x):
    bowl = LessardCounterexample()
    assert bowl.loss(x) == pytest.approx(lessard_loss(x), rel=1e-12, abs=1e-12)
    assert bowl.loss(np.array([x])) == pytest.approx(lessard_loss(x), rel=1e-12, abs=1e-12)
    h = 1e-6
    difference = (lessard_loss(x + h) - lessard_loss(x - h)) / (2 * h)
    assert bowl.gradient(x) == pytest.approx(difference, rel=1e-6, abs=1e-5)


def test_lessard_pieces_join_smoothly_with_curvature_mu_or_l():
    bowl = LessardCounterexample(smallest_curvature=1.0, largest_curvature=25.0)
    for joint in (1.0, 2.0):
        left, right = joint - 1e-12, joint + 1e-12
        assert bowl.loss(left) == pytest.approx(bowl.loss(right), abs=1e-9)
        assert bowl.gradient(left) == pytest.approx(bowl.gradient(right), abs=1e-9)
    h = 1e-4
    for x, curvature in [(-3.0, 25.0), (0.5, 25.0), (1.5, 1.0), (1.9, 1.0), (4.0, 25.0)]:
        second = (bowl.loss(x + h) - 2 * bowl.loss(x) + bowl.loss(x - h)) / h**2
        assert second == pytest.approx(curvature, rel=1e-5)
    assert bowl.loss(bowl.minimizer) == 0.0 and bowl.gradient(bowl.minimizer[0]) == 0.0
    assert bowl.condition_number == 25.0


@SETTINGS
@given(
    x=st.floats(-4.0, 5.0),
    y=st.floats(-4.0, 5.0),
    mu=st.floats(0.2, 3.0),
    ratio=st.floats(1.0, 60.0),
)
def test_lessard_function_is_mu_strongly_convex_and_l_smooth(x, y, mu, ratio):
    """μ/2 (y − x)² ≤ Q(y) − Q(x) − Q'(x)(y − x) ≤ L/2 (y − x)²."""
    bowl = LessardCounterexample(mu, mu * ratio)
    gap = bowl.loss(y) - bowl.loss(x) - bowl.gradient(x) * (y - x)
    tolerance = 1e-9 * (1 + abs(bowl.loss(y)) + abs(bowl.loss(x)))
    assert mu / 2 * (y - x) ** 2 - tolerance <= gap <= mu * ratio / 2 * (y - x) ** 2 + tolerance


def test_lessard_scales_with_its_curvatures():
    ws = np.linspace(-3, 5, 33)[:, None]
    twice = LessardCounterexample(2.0, 50.0)
    np.testing.assert_allclose(twice.gradient(ws), 2 * LessardCounterexample().gradient(ws))
    np.testing.assert_allclose(twice.loss(ws), 2 * LessardCounterexample().loss(ws))
    assert twice.loss(ws).shape == (33,) and twice.gradient(ws).shape == (33, 1)


def test_heavy_ball_with_polyaks_pair_ends_in_the_three_cycle_solved_by_hand():
    bowl = LessardCounterexample()
    eta, alpha = polyak_pair(1.0, 25.0)  # 1/9 and 4/9
    assert (eta, alpha) == pytest.approx((1 / 9, 4 / 9), rel=1e-15)
    # A cycle a → b → c → a with a, b < 1 (slope 25w) and c >= 2 (slope 25w − 24):
    # b = a − 25ηa + α(a − c), c = b − 25ηb + α(b − a), a = c − η(25c − 24) + α(c − b).
    r = 1 - 25 * eta + alpha
    system = np.array([[r, -1, -alpha], [-alpha, r, -1], [-1, -alpha, r]])
    cycle = np.linalg.solve(system, [0.0, 0.0, -24 * eta])
    np.testing.assert_allclose(cycle, np.array([792, -2208, 2592]) / 1225, rtol=1e-12)
    path = heavy_ball(bowl.gradient, 3.3, eta, alpha, steps=300)
    last = path[-3:]
    shift = int(np.argmin(np.abs(last - cycle[0])))
    np.testing.assert_allclose(np.roll(last, -shift), cycle, atol=1e-9)
    run = minimize(bowl.gradient, 3.3, learning_rate=eta, momentum=alpha, steps=300)
    np.testing.assert_allclose(run.path, path, rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("start", [3.07, 3.2, 3.46])
def test_heavy_ball_cycles_from_lessards_starts_and_nesterov_converges(start):
    bowl = LessardCounterexample()
    eta, alpha = polyak_pair(1.0, 25.0)
    cycling = heavy_ball(bowl.gradient, start, eta, alpha, steps=400)
    assert np.abs(cycling[-30:]).min() > 0.6  # it never comes near the minimum 0
    converging = nesterov(bowl.gradient, start, 1 / 25, 4 / 6, steps=400)
    assert np.abs(converging[-1]) < 1e-12


def test_nesterovs_guarantee_holds_on_the_counterexample():
    """Q(w_k) − Q* ≤ (1 − √(μ/L))^k (Q(w_0) − Q* + μ/2 ‖w_0 − w*‖²), for every start."""
    bowl = LessardCounterexample()
    starts = np.linspace(-10.0, 10.0, 401)
    paths = nesterov(bowl.gradient, starts, 1 / 25, 4 / 6, steps=200)
    k = np.arange(201)[:, None]
    guarantee = (1 - 1 / 5) ** k * (bowl.loss(starts) + starts**2 / 2)
    assert np.all(bowl.loss(paths[..., None]) <= guarantee * (1 + 1e-9) + 1e-300)


@pytest.mark.parametrize(
    ("arguments", "error", "match"),
    [
        ({"smallest_curvature": -1.0}, ValueError, "smallest_curvature"),
        ({"largest_curvature": float("nan")}, ValueError, "largest_curvature"),
        ({"smallest_curvature": 30.0}, ValueError, "largest_curvature must be >="),
        ({"largest_curvature": "25"}, TypeError, "largest_curvature"),
    ],
)
def test_lessard_refuses_bad_input(arguments, error, match):
    with pytest.raises(error, match=match):
        LessardCounterexample(**arguments)
