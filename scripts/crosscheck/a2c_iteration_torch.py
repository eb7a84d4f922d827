"""One A2C training iteration of this project in idiomatic, CPU-tuned PyTorch: an end-to-end speed baseline.

Not part of the library and shares no code with src/: an independent re-implementation, written from the paper's
description, that times one iteration (acting + update) of the two set-ups this project trains most:
  step1  one learner, 256 episodes of 100 rounds, all against fresh random memory-one ("tabular") co-players;
  mixed  two learners; each learns from 256 episodes = 128 against its own fresh tabular co-players + 128 against the
         other learner (those 128 learner-vs-learner episodes are shared, each learner learns from its own side).
Game (own move first, C = 0, D = 1): CC 1, CD -1, DC 2, DD 0. Observation: one-hot of 0 = start, 1 + 2*own + other.
Network: one-hot(5) -> Linear 32 -> GRU 128 -> swish -> policy Linear(128, 2) and value Linear(128, 1).
Update: rewards x 0.02, GAE (gamma 0.99, lambda 1) and TD(lambda = 1) value targets with V = 0 after the last
round, advantages centred per co-player group, loss = mean over B*T of -log pi(a) A + 0.5 (G - V)^2 - 0.01 H,
Adam (lr 1e-3, eps 1e-5), global-norm clip 1.0.
Speed choices (each gives the same numbers, up to float rounding, as the literal formulation): Linear(one-hot) is a
row lookup; while acting the input side of the GRU is a 5-row table, so a round costs one [B,128]x[128,384] matmul
plus the gates; a 2-action softmax sample is a Bernoulli on sigmoid(logit_D - logit_C); the two learners of `mixed`
act in one batched matmul (baddbmm over stacked weights); GAE and lambda-returns are one [B,T]x[T,T] matmul with
a triangular (gamma*lambda)^k matrix; fused CPU Adam; nn.GRU (ATen's CPU kernel) for the training forward and
backward (a hand-written autograd GRU with one matmul per step in backward measured ~15% slower); with --threads 2
the update runs two single-threaded shards at once (Python threads; ATen releases the GIL): mixed's two learners,
or the two halves of step1's batch (targets and centring still over the whole batch; gradients summed).
torch.compile of the acting step was tried: ~10% on acting (a fifth of an iteration) for ~40 s of compiling, so no.

Usage (PyTorch >= 2.4, for fused Adam on CPU; measured with 2.13):
    python scripts/crosscheck/a2c_iteration_torch.py --experiment mixed|step1 --threads N --iterations K --warmup W
Prints one JSON line (median ms per iteration, acting and update), and a sanity line to stderr.
--intra-op-only: no shards; all --threads go to PyTorch's intra-op parallelism (OpenMP) in the update too.
"""
import argparse, json, os, statistics, sys, time, warnings
from concurrent.futures import ThreadPoolExecutor

p = argparse.ArgumentParser(description=__doc__.split('\n')[0])
p.add_argument('--experiment', choices=['step1', 'mixed'], required=True)
p.add_argument('--threads', type=int, default=1)
p.add_argument('--iterations', type=int, default=10)
p.add_argument('--warmup', type=int, default=3)
p.add_argument('--seed', type=int, default=0)
p.add_argument('--intra-op-only', action='store_true', help='update with all threads inside each op (default with '
               '--threads N >= 2: N single-threaded shards at once: the two learners of mixed, or halves of a batch)')
args = p.parse_args()
for var in ('OMP_NUM_THREADS', 'MKL_NUM_THREADS', 'OPENBLAS_NUM_THREADS'):
    os.environ.setdefault(var, str(args.threads))  # before torch loads its thread pools; an explicit env wins
warnings.filterwarnings('ignore', message='Failed to initialize NumPy')

import torch
import torch.nn as nn
import torch.nn.functional as F

torch.set_num_threads(args.threads)
torch.manual_seed(args.seed)

B, T, H, E = 256, 100, 128, 32
GAMMA, GAE_LAMBDA, TD_LAMBDA, SCALE, VALUE_COEF, ENTROPY_COEF, LR, EPS, CLIP = 0.99, 1.0, 1.0, 0.02, 0.5, 0.01, 1e-3, 1e-5, 1.0
# Reward at round t read off the observation code of round t+1 (1 + 2*own + other): CC 1, CD -1, DC 2, DD 0.
REWARD_OF_CODE = torch.tensor([0.0, 1.0, -1.0, 2.0, 0.0])


class Agent(nn.Module):
    def __init__(self):
        super().__init__()
        self.embed = nn.Linear(5, E)
        self.gru = nn.GRU(E, H, batch_first=True)
        self.pi = nn.Linear(H, 2)
        self.value = nn.Linear(H, 1)

    def forward(self, codes):  # codes [B, T] in 0..4 -> logits [B, T, 2], values [B, T]
        x = F.embedding(codes, self.embed.weight.t()) + self.embed.bias  # == self.embed(one_hot(codes, 5))
        y = F.silu(self.gru(x)[0])
        return self.pi(y), self.value(y).squeeze(-1)

    @torch.no_grad()
    def acting_params(self):
        """Per-step tensors for acting: input-gate table [5, 3H], W_hh^T [H, 3H], b_hh [3H], logit_D - logit_C."""
        g = self.gru
        gi_table = F.linear(self.embed.weight.t() + self.embed.bias, g.weight_ih_l0, g.bias_ih_l0)
        dw = self.pi.weight[1] - self.pi.weight[0]
        return gi_table, g.weight_hh_l0.t(), g.bias_hh_l0, dw, self.pi.bias[1] - self.pi.bias[0]


def discount_matrix(c):
    """M[s, t] = c^(s - t) for s >= t, so (x @ M)[:, t] = sum_k c^k x[:, t + k]."""
    k = torch.arange(T)
    d = (k[:, None] - k[None, :]).float()
    return torch.where(d >= 0, c ** d.clamp(min=0), torch.zeros(()))


GAE_M, TD_M = discount_matrix(GAMMA * GAE_LAMBDA), discount_matrix(GAMMA * TD_LAMBDA)


@torch.no_grad()
def play(agents, n_vs_learner):
    """All learners act at once. Learner i's rows: [0, B - n) against its own tabular co-players, [B - n, B) against
    the other learner (row b of learner 0 meets row b of learner 1). Returns codes [L, B, T+1] (int64) and actions."""
    L = len(agents)
    gi, whh, bhh, dw, db = (torch.stack(z) for z in zip(*(a.acting_params() for a in agents)))
    gi = gi.view(L * 5, 3 * H)
    q = torch.rand(L, B, 5)  # tabular P(C) after start, CC, CD, DC, DD (own view); unused rows are harmless
    qflat, row5 = q.view(-1), torch.arange(L * B).view(L, B) * 5
    u = torch.rand(T, 2, L, B)  # learner and tabular draws
    lrows = torch.arange(L)[:, None] * 5  # row offsets of each learner's table in gi [L*5, 3H]
    codes = torch.zeros(L, B, T + 1, dtype=torch.long)
    acts = torch.empty(L, B, T, dtype=torch.long)
    h = torch.zeros(L, B, H)
    code = torch.zeros(L, B, dtype=torch.long)  # learner view
    tcode = torch.zeros(L, B, dtype=torch.long)  # tabular co-player's view
    split = B - n_vs_learner
    for t in range(T):
        gx = gi.index_select(0, (code + lrows).view(-1)).view(L, B, 3 * H)  # input gates, a table lookup
        gh = torch.baddbmm(bhh[:, None], h, whh)  # PyTorch gate order r, z, n
        rz = torch.sigmoid(gx[..., :2 * H] + gh[..., :2 * H])
        r, z = rz[..., :H], rz[..., H:]
        n = torch.sigmoid(2 * (gx[..., 2 * H:] + r * gh[..., 2 * H:])).mul_(2).sub_(1)  # tanh; CPU tanh is ~5x slower
        h = torch.lerp(n, h, z)  # (1 - z) n + z h
        p_defect = torch.sigmoid(torch.baddbmm(db[:, None, None], F.silu(h), dw[..., None]).squeeze(-1))
        a = (u[t, 0] < p_defect).long()
        other = (u[t, 1] >= torch.take(qflat, row5 + tcode)).long()  # tabular defects with prob 1 - P(C)
        if n_vs_learner:
            other[:, split:] = a.flip(0)[:, split:]
        acts[:, :, t] = a
        code = 1 + 2 * a + other
        tcode = 1 + 2 * other + a
        codes[:, :, t + 1] = code
    return codes, acts


def targets(codes, v, groups):
    """GAE advantages (centred per co-player group) and TD(lambda) returns of one learner's batch, from V [B, T]."""
    r = REWARD_OF_CODE[codes[:, 1:]] * SCALE
    delta = r + GAMMA * F.pad(v[:, 1:], (0, 1)) - v  # V = 0 after the last round
    adv = delta @ GAE_M
    ret = (adv if GAE_LAMBDA == TD_LAMBDA else delta @ TD_M) + v  # G - V = sum_k (gamma lambda)^k delta
    for g in groups:
        adv[g] -= adv[g].mean()
    return adv, ret


def shard_loss(logits, v, acts, adv, ret):
    """This shard's share of the loss mean over the learner's B*T decisions."""
    logp = F.log_softmax(logits, -1)
    entropy = -(logp.exp() * logp).sum(-1)
    return ((-(logp.gather(-1, acts[..., None]).squeeze(-1) * adv) + VALUE_COEF * (ret - v).pow(2)
             - ENTROPY_COEF * entropy).sum() / (B * T))


def update(codes, acts, run):
    """Forward all shards (with autograd), targets per learner, backward all shards, then clip and step each."""
    outs = list(run(lambda sh: agents[sh[0]](codes[sh[0], sh[1], :T]), SHARDS))
    adv, ret = [], []
    with torch.no_grad():
        for i in range(n_learners):
            v = torch.cat([out[1] for sh, out in zip(SHARDS, outs) if sh[0] == i])
            adv_i, ret_i = targets(codes[i], v, groups)
            adv.append(adv_i); ret.append(ret_i)
    for opt in opts:
        opt.zero_grad(set_to_none=True)
    def backward(k):  # concurrent backwards accumulate into the shared .grad under autograd's lock
        (i, rows), (logits, v) = SHARDS[k], outs[k]
        shard_loss(logits, v, acts[i, rows], adv[i][rows], ret[i][rows]).backward()
    list(run(backward, range(len(SHARDS))))
    for agent, opt in zip(agents, opts):
        nn.utils.clip_grad_norm_(agent.parameters(), CLIP, foreach=True)
        opt.step()


n_learners, n_vs = (1, 0) if args.experiment == 'step1' else (2, B // 2)
agents = [Agent() for _ in range(n_learners)]
opts = [torch.optim.Adam(a.parameters(), lr=LR, eps=EPS, fused=True) for a in agents]
groups = [slice(0, B)] if n_vs == 0 else [slice(0, B - n_vs), slice(B - n_vs, B)]
# With N >= 2 threads the update runs N single-threaded shards at once (ATen releases the GIL): the learners of `mixed`
# side by side, or halves of step1's batch. One thread per shard beats splitting each small matmul over the cores.
pool = ThreadPoolExecutor(args.threads) if args.threads >= 2 and not args.intra_op_only else None
per = max(1, args.threads // n_learners) if pool else 1
SHARDS = [(i, slice(k * B // per, (k + 1) * B // per)) for i in range(n_learners) for k in range(per)]

acting, updating, total = [], [], []
for it in range(args.warmup + args.iterations):
    t0 = time.perf_counter()
    codes, acts = play(agents, n_vs)
    t1 = time.perf_counter()
    if pool:
        torch.set_num_threads(1)
        update(codes, acts, pool.map)
        torch.set_num_threads(args.threads)
    else:
        update(codes, acts, map)
    t2 = time.perf_counter()
    if it >= args.warmup:
        acting.append((t1 - t0) * 1e3); updating.append((t2 - t1) * 1e3); total.append((t2 - t0) * 1e3)

reward0 = REWARD_OF_CODE[codes[0, :, 1:]]
print(f'sanity ({args.experiment}, last iteration): learner 0 mean reward per round {reward0.mean():.3f}, '
      f'cooperation rate {(acts[0] == 0).float().mean():.3f}'
      + (f' (vs tabular {(acts[0, :B - n_vs] == 0).float().mean():.3f}, vs learner {(acts[0, B - n_vs:] == 0).float().mean():.3f})' if n_vs else ''),
      file=sys.stderr)
print(json.dumps(dict(experiment=args.experiment, threads=args.threads, torch=torch.__version__,
                      ms_per_iteration=round(statistics.median(total), 2), acting_ms=round(statistics.median(acting), 2),
                      update_ms=round(statistics.median(updating), 2), batch=B,
                      update_shards=len(SHARDS) if pool else 'intra-op')))
