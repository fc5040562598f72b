"""The PyTorch peer of tapegrad's bench: the workloads of WORKLOADS.md in float64, written as a
PyTorch user would, on the exact data the TypeScript side wrote (same initial parameters,
symbols, targets and matrices). DATA.json maps each workload id to its data.

Run by bench/src/peers/torch.ts as a child process:
    python3 torch_workloads.py DATA.json --threads 1 [--only W1,W4] [--quick] [--check]
Prints one JSON object on stdout: the torch version, the BLAS library loaded, and per row the
median seconds per call and the relative margin of error (95 %, as benchmark.js reports it).
With --check it also returns, per workload that has one, what its check configuration computes
(loss and gradients before clipping) for the comparison with tapegrad.
"""
import argparse
import json
import re
import statistics
import sys
import time

import torch

PARAM_NAMES = ["W_rec", "W_in", "b", "W_out", "b_out"]
# Student t critical values (two-sided 95 %) by degrees of freedom, as benchmark.js uses
T_TABLE = {1: 12.706, 2: 4.303, 3: 3.182, 4: 2.776, 5: 2.571, 6: 2.447, 7: 2.365, 8: 2.306, 9: 2.262,
           10: 2.228, 11: 2.201, 12: 2.179, 13: 2.16, 14: 2.145, 15: 2.131, 16: 2.12, 17: 2.11, 18: 2.101,
           19: 2.093, 20: 2.086, 21: 2.08, 22: 2.074, 23: 2.069, 24: 2.064, 25: 2.06, 26: 2.056,
           27: 2.052, 28: 2.048, 29: 2.045, 30: 2.042}


def measure(fn, warmup, min_samples, max_time, min_sample_time=0.05):
    """Median seconds per call over samples of several calls each (like benchmark.js)."""
    for _ in range(warmup):
        fn()
    start = time.perf_counter()
    fn()
    once = max(time.perf_counter() - start, 1e-9)
    count = max(1, int(min_sample_time / once))
    samples = []
    began = time.perf_counter()
    while len(samples) < min_samples or time.perf_counter() - began < max_time:
        t0 = time.perf_counter()
        for _ in range(count):
            fn()
        samples.append((time.perf_counter() - t0) / count)
    mean = statistics.fmean(samples)
    sem = statistics.stdev(samples) / len(samples) ** 0.5 if len(samples) > 1 else 0.0
    critical = T_TABLE.get(len(samples) - 1, 1.96)
    return {"median": statistics.median(samples), "rme": 100 * critical * sem / mean, "samples": len(samples)}


class W1:
    """The Elman RNN training step: forward over T steps, mean cross-entropy at the last step,
    backward, global-norm clipping, SGD (torch.optim.SGD, torch.nn.utils.clip_grad_norm_)."""

    def __init__(self, cfg, hyper):
        self.params = {name: torch.tensor(cfg["params"][name], dtype=torch.float64, requires_grad=True) for name in PARAM_NAMES}
        n_hidden, n_in, n_out = hyper["nHidden"], hyper["nIn"], hyper["nOut"]
        self.params["W_rec"].data = self.params["W_rec"].data.reshape(n_hidden, n_hidden)
        self.params["W_in"].data = self.params["W_in"].data.reshape(n_hidden, n_in)
        self.params["W_out"].data = self.params["W_out"].data.reshape(n_out, n_hidden)
        T, B = cfg["T"], cfg["B"]
        symbols = torch.tensor(cfg["symbols"], dtype=torch.int64).reshape(T, B)
        self.inputs = torch.nn.functional.one_hot(symbols, n_in).to(torch.float64)  # [T, B, n_in]
        self.targets = torch.tensor(cfg["targets"], dtype=torch.int64)
        self.clip = hyper["clipThreshold"]
        self.optimizer = torch.optim.SGD(list(self.params.values()), lr=hyper["learningRate"])

    def loss(self, states=None):
        """The loss; appends the pre-activation states x_1..x_T (their .grad kept) to `states` if given."""
        p = self.params
        h = torch.zeros(self.inputs.shape[1], p["W_rec"].shape[0], dtype=torch.float64)
        for u in self.inputs:
            x = h @ p["W_rec"].T + u @ p["W_in"].T + p["b"]
            if states is not None:
                x.retain_grad()
                states.append(x)
            h = torch.tanh(x)
        y = h @ p["W_out"].T + p["b_out"]
        return torch.nn.functional.cross_entropy(y, self.targets)

    def step(self):
        self.optimizer.zero_grad(set_to_none=True)
        self.loss().backward()
        torch.nn.utils.clip_grad_norm_(list(self.params.values()), self.clip)
        self.optimizer.step()

    def gradients(self):
        self.optimizer.zero_grad(set_to_none=True)
        loss = self.loss()
        loss.backward()
        return {"loss": loss.item(), "grads": {name: self.params[name].grad.reshape(-1).tolist() for name in PARAM_NAMES}}


class W4(W1):
    """One update of the paper's SGD-C / SGD-CR: BPTT with the error signals δ_t = ∂E/∂x_t (kept
    with retain_grad), for SGD-CR Ω in the paper's form (squared ratios, mean over the pairs with
    ‖δ‖² ≥ 1e-20) and its immediate gradient on W_rec through autograd with x and δ detached,
    added as ∇E + α·∇Ω; then clip_grad_norm_ and SGD."""

    def __init__(self, cfg, data):
        super().__init__(cfg, data["hyper"])
        self.alpha = data["alpha"]
        self.min_d2 = data["minDeltaSquared"]
        self.regularize = cfg["method"] == "sgd-cr"

    def gradients_and_omega(self):
        self.optimizer.zero_grad(set_to_none=True)
        xs = []
        loss = self.loss(xs)
        loss.backward()
        omega = None
        if self.regularize:
            w = self.params["W_rec"]
            n = w.shape[0]
            with torch.no_grad():
                deltas = torch.stack([x.grad for x in xs]).reshape(-1, n)  # δ_1..δ_T
                states = torch.stack([torch.zeros_like(xs[0])] + [x.detach() for x in xs[:-1]]).reshape(-1, n)  # x_0..x_{T-1}
                d2 = (deltas * deltas).sum(1)
                keep = d2 >= self.min_d2
                deltas, slopes, d2 = deltas[keep], 1 - torch.tanh(states[keep]) ** 2, d2[keep]
            v = (deltas @ w) * slopes  # δ·∂x_{k+1}/∂x_k, differentiable in W_rec only
            ratio = (v * v).sum(1) / d2
            omega = ((ratio - 1) ** 2).mean()
            (grad,) = torch.autograd.grad(omega, w)
            w.grad += self.alpha * grad
        return loss, omega

    def update(self):
        self.gradients_and_omega()
        torch.nn.utils.clip_grad_norm_(list(self.params.values()), self.clip)
        self.optimizer.step()

    def check(self):
        loss, omega = self.gradients_and_omega()
        return {"loss": loss.item(), "omega": None if omega is None else omega.item(),
                "grads": {name: self.params[name].grad.reshape(-1).tolist() for name in PARAM_NAMES}}


def chain(ops):
    x0 = torch.tensor([0.1, -0.2, 0.3, -0.4, 0.5, -0.6, 0.7, -0.8], dtype=torch.float64)

    def run():
        x = x0.clone().requires_grad_(True)
        h = x
        for i in range(ops):
            phase = i % 3
            h = h + 0.1 if phase == 0 else (h * 0.9 if phase == 1 else torch.tanh(h))
        h.sum().backward()

    return run


def matmul(cfg, backward):
    n = cfg["n"]
    a = torch.tensor(cfg["a"], dtype=torch.float64).reshape(n, n)
    b = torch.tensor(cfg["b"], dtype=torch.float64).reshape(n, n)
    if not backward:
        return lambda: a @ b
    a.requires_grad_(True)
    b.requires_grad_(True)

    def run():
        a.grad = None
        b.grad = None
        (a @ b).sum().backward()

    return run


# One function per workload id: (its data, sampling options, whether to check) -> (results by row, check or None)
def w1(data, opts, check):
    results = {cfg["key"]: measure(W1(cfg, data["hyper"]).step, *opts) for cfg in data["configs"]}
    return results, W1(data["check"], data["hyper"]).gradients() if check else None


def w2(data, opts, check):
    return {"W2": measure(chain(data["ops"]), *opts)}, None


def w3(data, opts, check):
    results = {}
    for cfg in data:
        results[f"W3 n={cfg['n']} fwd"] = measure(matmul(cfg, False), *opts)
        results[f"W3 n={cfg['n']} fwd+bwd"] = measure(matmul(cfg, True), *opts)
    return results, None


def w4(data, opts, check):
    results = {cfg["key"]: measure(W4(cfg, data).update, *opts) for cfg in data["configs"]}
    return results, W4(data["check"], data).check() if check else None


WORKLOADS = {"W1": w1, "W2": w2, "W3": w3, "W4": w4}


def blas_libraries():
    """The BLAS/LAPACK shared objects actually mapped into this process after a float64 matmul."""
    torch.ones(64, 64, dtype=torch.float64) @ torch.ones(64, 64, dtype=torch.float64)
    try:
        with open("/proc/self/maps") as maps:
            libs = {line.split()[-1] for line in maps if "blas" in line.lower() or "lapack" in line.lower() or "mkl" in line.lower()}
        return sorted(lib for lib in libs if lib.startswith("/"))
    except OSError:
        return []


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("data")
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--only", default=",".join(WORKLOADS))
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--check", action="store_true")
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    with open(args.data) as f:
        data = json.load(f)
    only = set(args.only.split(","))
    opts = (2, 5, 0.25) if args.quick else (5, 20, 2.0)
    out = {"torch": torch.__version__, "threads": torch.get_num_threads(), "blas": blas_libraries(),
           "blasInfo": " ".join(re.findall(r"(?:BLAS_INFO|LAPACK_INFO)=\w+", torch.__config__.show())) or "unknown",
           "results": {}, "checks": {}}
    for workload, run in WORKLOADS.items():
        if workload not in only or workload not in data:
            continue
        results, checked = run(data[workload], opts, args.check)
        out["results"].update(results)
        if checked is not None:
            out["checks"][workload] = checked
    json.dump(out, sys.stdout)


if __name__ == "__main__":
    main()
