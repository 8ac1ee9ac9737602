#!/usr/bin/env python3
"""Writes the self-made conformance cases of rnn4j-cli/src/test/resources/conformance-extra.

These are NOT outside references: they are computed here, in float64 numpy, straight from the
equations of the conformance README, ONNX-SPEC.md and TRAINING-FORMAT.md (ONNX cases in ONNX's own
gate order; gradients by complex-step differentiation, exact to float64 rounding), to cover what the
shared sample does not: ONNX bidirectional/reverse, clip, input_forget, activations with alpha/beta,
sequence_lens with layout 1; PyTorch batch_first + packed + bidirectional + projection; training v2
with every optimizer, cross_entropy, last_step and gradient clipping. Runs in a few seconds.

usage: python3 make_extra_cases.py [OUTPUT_FOLDER]   (default: ../resources/conformance-extra)
"""
import json, os, sys
import numpy as np

def sig(x): return 1.0/(1.0+np.exp(-x))

def onnx_act(name, x, a, b):
    n = name.lower()
    if n == 'relu': return np.where(x > 0, x, 0.0)
    if n == 'tanh': return np.tanh(x)
    if n == 'sigmoid': return sig(x)
    if n == 'affine': return a*x+b
    if n == 'leakyrelu': return np.where(x >= 0, x, a*x)
    if n == 'thresholdedrelu': return np.where(x > a, x, 0.0)
    if n == 'scaledtanh': return a*np.tanh(b*x)
    if n == 'hardsigmoid': return np.minimum(np.maximum(a*x+b, 0), 1)
    if n == 'elu': return np.where(x >= 0, x, a*(np.exp(x)-1))
    if n == 'softsign': return x/(1+np.abs(x))
    if n == 'softplus': return np.log1p(np.exp(x))
    raise ValueError(name)

TAKES = {'affine': (1., 0.), 'leakyrelu': (0.01, None), 'thresholdedrelu': (1.0, None), 'scaledtanh': (1., 1.),
         'hardsigmoid': (0.2, 0.5), 'elu': (1.0, None)}
def f32(x): return np.asarray(x, dtype=np.float32).astype(np.float64)

def onnx_run(op, attrs, X, W, R, B=None, seq=None, h0=None, c0=None, P=None):
    """ONNX equations in ONNX gate order (LSTM i,o,f,c; GRU z,r,h)."""
    layout = attrs.get('layout', 0)
    direction = attrs.get('direction', 'forward')
    D = 2 if direction == 'bidirectional' else 1
    H = attrs['hidden_size']
    if layout == 1:
        X = X.transpose(1, 0, 2)
        if h0 is not None: h0 = h0.transpose(1, 0, 2)
        if c0 is not None: c0 = c0.transpose(1, 0, 2)
    T, N, I = X.shape
    per = {'LSTM': 3, 'GRU': 2, 'RNN': 1}[op]
    names = attrs.get('activations', {'LSTM': ['Sigmoid', 'Tanh', 'Tanh'], 'GRU': ['Sigmoid', 'Tanh'], 'RNN': ['Tanh']}[op] * D)
    al = list(attrs.get('activation_alpha', [])); be = list(attrs.get('activation_beta', []))
    fns = []
    for nm in names:
        d = TAKES.get(nm.lower(), (None, None))
        a, b = d
        if a is not None and al: a = al.pop(0)
        if b is not None and be: b = be.pop(0)
        fns.append((nm, a, b))
    if len(fns) == per and D == 2: fns = fns * 2
    clip = attrs.get('clip')
    cl = (lambda v: np.clip(v, -clip, clip)) if clip is not None else (lambda v: v)
    G = {'LSTM': 4, 'GRU': 3, 'RNN': 1}[op]
    if B is None: B = np.zeros((D, 2*G*H))
    if seq is None: seq = np.full(N, T)
    if h0 is None: h0 = np.zeros((D, N, H))
    if c0 is None: c0 = np.zeros((D, N, H))
    if P is None: P = np.zeros((D, 3*H))
    Y = np.zeros((T, D, N, H)); Yh = np.zeros((D, N, H)); Yc = np.zeros((D, N, H))
    lbr = attrs.get('linear_before_reset', 0); inf = attrs.get('input_forget', 0)
    for d in range(D):
        rev = direction == 'reverse' or d == 1
        F = [lambda v, f=f: onnx_act(f[0], v, f[1], f[2]) for f in fns[d*per:(d+1)*per]]
        Wd, Rd, Wb, Rb = W[d], R[d], B[d][:G*H], B[d][G*H:]
        blk = lambda M, k: M[k*H:(k+1)*H]
        for n in range(N):
            h = h0[d, n].copy(); c = c0[d, n].copy(); L = int(seq[n])
            for t in (range(L-1, -1, -1) if rev else range(L)):
                x = X[t, n]
                if op == 'RNN':
                    h = F[0](cl(Wd @ x + Rd @ h + Wb + Rb))
                elif op == 'GRU':
                    z = F[0](cl(blk(Wd, 0) @ x + blk(Rd, 0) @ h + blk(Wb, 0) + blk(Rb, 0)))
                    r = F[0](cl(blk(Wd, 1) @ x + blk(Rd, 1) @ h + blk(Wb, 1) + blk(Rb, 1)))
                    if lbr:
                        hh = F[1](cl(blk(Wd, 2) @ x + r * (blk(Rd, 2) @ h + blk(Rb, 2)) + blk(Wb, 2)))
                    else:
                        hh = F[1](cl(blk(Wd, 2) @ x + blk(Rd, 2) @ (r * h) + blk(Rb, 2) + blk(Wb, 2)))
                    h = (1 - z) * hh + z * h
                else:
                    pi, po, pf = P[d][:H], P[d][H:2*H], P[d][2*H:]
                    pre = lambda k: blk(Wd, k) @ x + blk(Rd, k) @ h + blk(Wb, k) + blk(Rb, k)
                    i = F[0](cl(pre(0) + pi * c))
                    f = (1 - i) if inf else F[0](cl(pre(2) + pf * c))
                    g = F[1](cl(pre(3)))
                    c = f * c + i * g
                    o = F[0](cl(pre(1) + po * c))
                    h = o * F[2](c)
                Y[t, d, n] = h
            Yh[d, n] = h; Yc[d, n] = c
    if layout == 1:
        Y = Y.transpose(2, 0, 1, 3); Yh = Yh.transpose(1, 0, 2); Yc = Yc.transpose(1, 0, 2)
    return Y, Yh, Yc

# ---------------- PyTorch module reference (torch gate order), complex-step friendly
def c_relu(x): return np.where(x.real > 0, x, 0)
def torch_run(cell, params, x, h0, c0, L, D, H, Pj, batch_first, lengths, bias):
    """Returns output [T,B,D*Hs] (or batch_first), h_n, c_n. params: dict name->array."""
    if batch_first: x = x.transpose(1, 0, 2)
    T, Bn, _ = x.shape
    Hs = Pj if Pj else H
    dt = np.result_type(x, *params.values(), h0 if h0 is not None else 0.0, c0 if c0 is not None else 0.0)
    if lengths is None: lengths = [T]*Bn
    hn = np.zeros((L*D, Bn, Hs), dtype=dt); cn = np.zeros((L*D, Bn, H), dtype=dt)
    inp = x
    for l in range(L):
        out = np.zeros((T, Bn, D*Hs), dtype=dt)
        for d in range(D):
            sfx = f'_l{l}' + ('_reverse' if d == 1 else '')
            Wih, Whh = params['weight_ih'+sfx], params['weight_hh'+sfx]
            bih = params['bias_ih'+sfx] if bias else 0; bhh = params['bias_hh'+sfx] if bias else 0
            Whr = params.get('weight_hr'+sfx)
            k = l*D+d
            for b in range(Bn):
                h = h0[k, b] if h0 is not None else np.zeros(Hs, dtype=dt)
                c = c0[k, b] if c0 is not None else np.zeros(H, dtype=dt)
                Lb = lengths[b]
                for t in (range(Lb-1, -1, -1) if d == 1 else range(Lb)):
                    xi = inp[t, b]
                    gi = Wih @ xi + bih; gh = Whh @ h + bhh
                    if cell in ('RNN_TANH', 'RNN_RELU'):
                        h = np.tanh(gi+gh) if cell == 'RNN_TANH' else c_relu(gi+gh)
                    elif cell == 'GRU':
                        r = sig(gi[:H]+gh[:H]); z = sig(gi[H:2*H]+gh[H:2*H])
                        n_ = np.tanh(gi[2*H:] + r*gh[2*H:])
                        h = (1-z)*n_ + z*h
                    else:
                        g = gi+gh
                        i, f, gg, o = sig(g[:H]), sig(g[H:2*H]), np.tanh(g[2*H:3*H]), sig(g[3*H:])
                        c = f*c + i*gg
                        h = o*np.tanh(c)
                        if Whr is not None: h = Whr @ h
                    out[t, b, d*Hs:(d+1)*Hs] = h
                hn[k, b] = h; cn[k, b] = c
        inp = out
    if batch_first: out = out.transpose(1, 0, 2)
    return out, hn, cn

def complex_grad(f, arrays, names):
    """Gradient of real scalar f(dict) wrt every array in arrays (dict name->float64 array), complex step."""
    hstep = 1e-30
    grads = {}
    for nm in names:
        a = arrays[nm]
        g = np.zeros_like(a)
        flat = a.reshape(-1)
        for j in range(flat.size):
            pert = dict(arrays)
            p = a.astype(np.complex128).reshape(-1).copy(); p[j] += 1j*hstep
            pert[nm] = p.reshape(a.shape)
            g.reshape(-1)[j] = f(pert).imag / hstep
        grads[nm] = g
    return grads

def T(a): a = np.asarray(a, dtype=np.float64); return {'shape': list(a.shape), 'data': [float(v) for v in a.reshape(-1)]}


def onnx_and_torch_cases(OUT):
    rng = np.random.default_rng(1234)
    def U(*s, a=0.7): return f32(rng.uniform(-a, a, s))
    def Nn(*s, sd=1.0): return f32(rng.normal(0, sd, s))

    # ----------------------------------------------------------------- ONNX
    def onnx_case(name, op, attrs, T_, N, I, *, B=True, seq=None, h0=False, c0=False, P=False, outs=('Y', 'Y_h', 'Y_c')):
        H = attrs['hidden_size']; D = 2 if attrs.get('direction') == 'bidirectional' else 1
        G = {'LSTM': 4, 'GRU': 3, 'RNN': 1}[op]
        lay = attrs.get('layout', 0)
        X = Nn(*((T_, N, I) if lay == 0 else (N, T_, I)))
        W = U(D, G*H, I); R = U(D, G*H, H)
        ins = [('X', X), ('W', W), ('R', R)]
        Bv = U(D, 2*G*H) if B else None
        if B: ins.append(('B', Bv))
        sq = np.array(seq) if seq is not None else None
        if seq is not None: ins.append(('sequence_lens', sq))
        st = (D, N, H) if lay == 0 else (N, D, H)
        hv = Nn(*st, sd=0.5) if h0 else None
        cv = Nn(*st, sd=0.5) if c0 else None
        if h0: ins.append(('initial_h', hv))
        if c0: ins.append(('initial_c', cv))
        Pv = U(D, 3*H) if P else None
        if P: ins.append(('P', Pv))
        Y, Yh, Yc = onnx_run(op, attrs, X, W, R, Bv, sq, hv, cv, Pv)
        slots = {'X': 0, 'W': 1, 'R': 2, 'B': 3, 'sequence_lens': 4, 'initial_h': 5, 'initial_c': 6, 'P': 7}
        res = {'Y': Y, 'Y_h': Yh, 'Y_c': Yc}
        case = {'format': 'rnn-holdout-onnx-case/1', 'name': name, 'source': 'numpy float64 reference (self-made, not official)',
                'operator': op, 'opset': 14, 'attributes': attrs,
                'inputs': [dict(slot=slots[r], role=r, name=r, dtype='int32' if r == 'sequence_lens' else 'float32', **T(v)) if r != 'sequence_lens'
                           else dict(slot=4, role=r, name=r, dtype='int32', shape=[len(v)], data=[int(t) for t in v]) for r, v in ins],
                'outputs': [dict(slot=i, role=r, name=r, dtype='float32', **T(res[r])) for i, r in enumerate(['Y', 'Y_h', 'Y_c']) if r in outs and not (r == 'Y_c' and op != 'LSTM')]}
        d = os.path.join(OUT, 'onnx', name); os.makedirs(d, exist_ok=True)
        json.dump(case, open(os.path.join(d, 'case.json'), 'w'))

    onnx_case('g_lstm_bidir_seq_peep', 'LSTM', {'hidden_size': 3, 'direction': 'bidirectional'}, 5, 3, 4, seq=[3, 5, 1], h0=True, c0=True, P=True)
    onnx_case('g_lstm_reverse_clip_if_l1', 'LSTM', {'hidden_size': 3, 'direction': 'reverse', 'layout': 1, 'clip': float(np.float32(0.5)), 'input_forget': 1}, 4, 2, 3, seq=[2, 4], h0=True, c0=True, P=True)
    onnx_case('g_lstm_bidir_acts_l1', 'LSTM', {'hidden_size': 3, 'direction': 'bidirectional', 'layout': 1,
        'activations': ['HardSigmoid', 'ScaledTanh', 'Elu', 'Sigmoid', 'Affine', 'LeakyRelu'],
        'activation_alpha': [float(np.float32(v)) for v in [0.3, 1.5, 0.7, 0.8, 0.05]], 'activation_beta': [float(np.float32(v)) for v in [0.4, 0.9, 0.1]]}, 4, 2, 3, h0=True, c0=True)
    onnx_case('g_lstm_hc_only', 'LSTM', {'hidden_size': 4}, 3, 2, 2, B=False, c0=True, outs=('Y_h', 'Y_c'))
    onnx_case('g_gru_bidir_lbr0_clip', 'GRU', {'hidden_size': 3, 'direction': 'bidirectional', 'clip': float(np.float32(1.0))}, 5, 3, 2, seq=[5, 2, 3], h0=True)
    onnx_case('g_gru_reverse_lbr1_l1_nob', 'GRU', {'hidden_size': 4, 'direction': 'reverse', 'layout': 1, 'linear_before_reset': 1}, 4, 3, 3, B=False, h0=True)
    onnx_case('g_gru_acts', 'GRU', {'hidden_size': 3, 'activations': ['Softsign', 'Softplus']}, 4, 2, 3, h0=True)
    onnx_case('g_gru_acts_partial_alpha', 'GRU', {'hidden_size': 3, 'direction': 'bidirectional', 'activations': ['LeakyRelu', 'ThresholdedRelu', 'Sigmoid', 'Tanh'], 'activation_alpha': [float(np.float32(0.2))]}, 3, 2, 3, seq=[3, 2])
    onnx_case('g_rnn_bidir_relu_seq', 'RNN', {'hidden_size': 4, 'direction': 'bidirectional', 'activations': ['Relu', 'Tanh']}, 4, 3, 3, seq=[4, 1, 2], h0=True)
    onnx_case('g_rnn_reverse_affine_l1', 'RNN', {'hidden_size': 3, 'direction': 'reverse', 'layout': 1, 'activations': ['Affine'], 'activation_alpha': [float(np.float32(0.5))]}, 3, 2, 2, h0=True)

    # ----------------------------------------------------------------- torch module
    def torch_case(name, cell, I, H, L, bidir, bf, proj=0, bias=True, T_=5, Bn=3, h0=True, c0=True, lengths=None):
        D = 2 if bidir else 1; G = {'LSTM': 4, 'GRU': 3, 'RNN_TANH': 1, 'RNN_RELU': 1}[cell]
        Hs = proj or H
        params = {}
        for l in range(L):
            for d in range(D):
                s = f'_l{l}' + ('_reverse' if d else '')
                params['weight_ih'+s] = U(G*H, I if l == 0 else D*Hs)
                params['weight_hh'+s] = U(G*H, Hs)
                if bias: params['bias_ih'+s] = U(G*H); params['bias_hh'+s] = U(G*H)
                if proj: params['weight_hr'+s] = U(proj, H)
        x = Nn(*((Bn, T_, I) if bf else (T_, Bn, I)))
        hv = Nn(L*D, Bn, Hs, sd=0.5) if h0 else None
        cv = Nn(L*D, Bn, H, sd=0.5) if (c0 and cell == 'LSTM') else None
        out, hn, cn = torch_run(cell, params, x, hv, cv, L, D, H, proj, bf, lengths, bias)
        Gm = Nn(*out.shape); Gh = Nn(*hn.shape); Gc = Nn(*cn.shape)
        def loss(a):
            o, h_, c_ = torch_run(cell, {k: a[k] for k in params}, a['input'], a.get('h0'), a.get('c0'), L, D, H, proj, bf, lengths, bias)
            v = np.sum(o*Gm) + np.sum(h_*Gh)
            if cell == 'LSTM': v = v + np.sum(c_*Gc)
            return v
        arrays = dict(params); arrays['input'] = x
        if hv is not None: arrays['h0'] = hv
        if cv is not None: arrays['c0'] = cv
        grads = complex_grad(loss, arrays, list(arrays))
        L0 = loss(arrays)
        res = {'output': T(out), 'h_n': T(hn), 'loss': float(np.real(L0)),
               'grad': {'input': T(grads['input']), 'h0': T(grads['h0']) if hv is not None else None}}
        if cell == 'LSTM': res['c_n'] = T(cn); res['grad']['c0'] = T(grads['c0']) if cv is not None else None
        for k in params: res['grad'][k] = T(grads[k])
        cons = dict(input_size=I, hidden_size=H, num_layers=L, bias=bias, batch_first=bf, dropout=0.0, bidirectional=bidir)
        if cell == 'LSTM': cons['proj_size'] = proj
        if cell.startswith('RNN'): cons['nonlinearity'] = cell[4:].lower()
        lossd = {'formula': 'L = sum(output * G) + sum(h_n * Gh)' + (' + sum(c_n * Gc)' if cell == 'LSTM' else ''), 'G': T(Gm), 'Gh': T(Gh)}
        if cell == 'LSTM': lossd['Gc'] = T(Gc)
        case = {'format': 'rnn-holdout-torch-case/1', 'name': name, 'source': 'numpy complex-step reference (self-made)',
                'module': cell.split('_')[0], 'cell': cell, 'constructor': cons,
                'parameters': [dict(name=k, **T(v)) for k, v in params.items()], 'input': T(x),
                'h0': T(hv) if hv is not None else None, 'c0': T(cv) if cv is not None else None,
                'packed': None if lengths is None else {'lengths': lengths, 'enforce_sorted': False, 'padding_value': 0.0, 'total_length': T_},
                'loss': lossd, 'results': {'float64': res}}
        os.makedirs(os.path.join(OUT, 'torch'), exist_ok=True)
        json.dump(case, open(os.path.join(OUT, 'torch', name + '.json'), 'w'))

    torch_case('g_lstm_2l_bidir_proj_bf_packed', 'LSTM', 3, 4, 2, True, True, proj=2, lengths=[3, 5, 2])
    torch_case('g_gru_2l_bidir_bf_packed_noh0', 'GRU', 3, 3, 2, True, True, h0=False, lengths=[5, 1, 4])
    torch_case('g_rnn_tanh_bidir_nobias_packed', 'RNN_TANH', 2, 3, 1, True, False, bias=False, lengths=[2, 5, 4])
    torch_case('g_rnn_relu_bf', 'RNN_RELU', 3, 4, 2, False, True, h0=False)
    torch_case('g_lstm_bidir_h0_only', 'LSTM', 2, 3, 1, True, False, c0=False, lengths=[4, 5, 1])


def training_cases(OUT):
    rng = np.random.default_rng(99)
    def U(*s, a=0.5): return f32(rng.uniform(-a, a, s))
    def Nn(*s, sd=1.0): return f32(rng.normal(0, sd, s))

    def opt_step(o, state, p, g, t):
        typ = o['type']; out = {}
        for k in p:
            x = p[k].copy(); d = g[k].copy(); s = state.setdefault(k, {})
            if o.get('maximize'): d = -d
            if typ == 'sgd':
                d = d + o['weight_decay']*x
                if o['momentum'] != 0:
                    s['buf'] = d.copy() if t == 1 else o['momentum']*s['buf'] + (1-o['dampening'])*d
                    d = d + o['momentum']*s['buf'] if o['nesterov'] else s['buf']
                x = x - o['lr']*d
            elif typ in ('adam', 'adamw'):
                b1, b2 = o['betas']
                if typ == 'adamw': x = x*(1 - o['lr']*o['weight_decay'])
                else: d = d + o['weight_decay']*x
                s['m'] = b1*s.get('m', 0) + (1-b1)*d; s['v'] = b2*s.get('v', 0) + (1-b2)*d*d
                v = s['v']
                if o['amsgrad']: s['vm'] = np.maximum(s.get('vm', 0), v); v = s['vm']
                x = x - o['lr']/(1-b1**t) * s['m'] / (np.sqrt(v)/np.sqrt(1-b2**t) + o['eps'])
            elif typ == 'rmsprop':
                a = o['alpha']; d = d + o['weight_decay']*x
                s['sq'] = a*s.get('sq', 0) + (1-a)*d*d; sq = s['sq']
                if o['centered']: s['ga'] = a*s.get('ga', 0) + (1-a)*d; sq = sq - s['ga']**2
                avg = np.sqrt(sq) + o['eps']
                if o['momentum'] > 0: s['buf'] = o['momentum']*s.get('buf', 0) + d/avg; x = x - o['lr']*s['buf']
                else: x = x - o['lr']*d/avg
            elif typ == 'adagrad':
                d = d + o['weight_decay']*x
                clr = o['lr']/(1 + (t-1)*o['lr_decay'])
                s['sum'] = s.get('sum', np.full_like(x, o['initial_accumulator_value'])) + d*d
                x = x - clr*d/(np.sqrt(s['sum']) + o['eps'])
            out[k] = x
        return out

    def train_case(name, mode, I, H, L, bidir, bf, head_on, loss, clip, opts, T_=4, Bn=3, C=3, head_bias=True, steps=3):
        D = 2 if bidir else 1; G = {'LSTM': 4, 'GRU': 3, 'RNN_TANH': 1, 'RNN_RELU': 1}[mode]
        params = {}
        for l in range(L):
            for d in range(D):
                s = f'_l{l}' + ('_reverse' if d else '')
                params['rnn.weight_ih'+s] = U(G*H, I if l == 0 else D*H)
                params['rnn.weight_hh'+s] = U(G*H, H)
                params['rnn.bias_ih'+s] = U(G*H); params['rnn.bias_hh'+s] = U(G*H)
        params['head.weight'] = U(C, D*H)
        if head_bias: params['head.bias'] = U(C)
        x = Nn(*((Bn, T_, I) if bf else (T_, Bn, I)))
        pshape = ((Bn,) if head_on == 'last_step' else x.shape[:2])
        if loss == 'mse': y = Nn(*pshape, C)
        else: y = rng.integers(0, C, pshape).astype(np.float64)
        def lossf(P):
            rp = {k[4:]: v for k, v in P.items() if k.startswith('rnn.')}
            out, _, _ = torch_run(mode, rp, x, None, None, L, D, H, 0, bf, None, True)
            o = (out[:, -1] if bf else out[-1]) if head_on == 'last_step' else out
            pred = o @ P['head.weight'].T + (P['head.bias'] if head_bias else 0)
            if loss == 'mse': return np.mean((pred - y)**2)
            z = pred.reshape(-1, C); yy = y.reshape(-1).astype(int)
            m = z.real.max(axis=1, keepdims=True)
            lse = np.log(np.sum(np.exp(z - m), axis=1)) + m[:, 0]
            return np.mean(lse - z[np.arange(len(yy)), yy])
        runs = {}
        for rn, o in opts.items():
            P = {k: v.copy() for k, v in params.items()}; state = {}; stp = []; losses = []
            for t in range(1, steps+1):
                Lk = float(np.real(lossf(P))); losses.append(Lk)
                g = complex_grad(lossf, P, list(P))
                e = {'step': t, 'loss': Lk}
                if clip is not None:
                    n = np.sqrt(sum(np.sum(v*v) for v in g.values())); c = min(1.0, clip/(n + 1e-6))
                    e['grad_norm'] = float(n); e['clip_coef'] = float(c); e['grad_before_clip'] = {k: T(v) for k, v in g.items()}
                    g = {k: v*c for k, v in g.items()}
                e['grad'] = {k: T(v) for k, v in g.items()}
                P = opt_step(o, state, P, g, t)
                e['params_after'] = {k: T(v) for k, v in P.items()}
                stp.append(e)
            r = {'losses': losses, 'final_loss': float(np.real(lossf(P))), 'final_parameters': {k: T(v) for k, v in P.items()}, 'steps': stp}
            runs[rn] = {'float64': r}
        case = {'format': 'rnn-torch-training/2', 'name': name, 'description': 'self-made numpy complex-step reference', 'source': 'numpy',
                'model': {'rnn': {'mode': mode, 'input_size': I, 'hidden_size': H, 'num_layers': L, 'bias': True, 'bidirectional': bidir, 'batch_first': bf},
                          'head': {'in_features': D*H, 'out_features': C, 'bias': head_bias}, 'head_on': head_on},
                'loss': loss, 'clip_grad_norm': clip, 'num_steps': steps, 'optimizers': opts,
                'initial_parameters': [dict(name=k, **T(v)) for k, v in params.items()], 'x': T(x), 'y': T(y), 'runs': runs}
        os.makedirs(os.path.join(OUT, 'training'), exist_ok=True)
        json.dump(case, open(os.path.join(OUT, 'training', name + '.json'), 'w'))

    SGD = lambda lr, m=0, damp=0, wd=0, nest=False: {'type': 'sgd', 'lr': lr, 'momentum': m, 'dampening': damp, 'weight_decay': wd, 'nesterov': nest, 'maximize': False, 'foreach': None, 'differentiable': False}
    ADAM = lambda typ, lr, wd, ams: {'type': typ, 'lr': lr, 'betas': [0.9, 0.999], 'eps': 1e-08, 'weight_decay': wd, 'amsgrad': ams, 'maximize': False, 'foreach': None, 'capturable': False, 'differentiable': False, 'fused': None}
    RMS = lambda lr, a, wd, m, cen: {'type': 'rmsprop', 'lr': lr, 'alpha': a, 'eps': 1e-08, 'weight_decay': wd, 'momentum': m, 'centered': cen, 'maximize': False, 'foreach': None, 'differentiable': False}
    ADAG = lambda lr, dec, wd, init: {'type': 'adagrad', 'lr': lr, 'lr_decay': dec, 'weight_decay': wd, 'initial_accumulator_value': init, 'eps': 1e-10, 'foreach': None, 'maximize': False, 'differentiable': False}

    train_case('g_train_gru_bidir_bf_last_ce_clip', 'GRU', 3, 3, 1, True, True, 'last_step', 'cross_entropy', 0.5,
               {'adamw': ADAM('adamw', 0.01, 0.01, True), 'rms_centered': RMS(0.01, 0.9, 0.0, 0.9, True)})
    train_case('g_train_rnn_2l_all_mse', 'RNN_TANH', 2, 3, 2, False, False, 'all_steps', 'mse', 10.0,
               {'sgd_nesterov': SGD(0.1, 0.9, 0, 0.01, True), 'adagrad': ADAG(0.1, 0.1, 0.01, 0.1)})
    train_case('g_train_lstm_bidir_bf_all_ce', 'LSTM', 2, 3, 1, True, True, 'all_steps', 'cross_entropy', None,
               {'adam_ams': ADAM('adam', 0.01, 0.001, True), 'rms': RMS(0.01, 0.99, 0.01, 0.0, False), 'sgd_damp': SGD(0.1, 0.5, 0.1, 0.0, False)})
    train_case('g_train_relu_last_mse_nohb_clip', 'RNN_RELU', 3, 4, 1, False, False, 'last_step', 'mse', 0.1,
               {'sgd': SGD(0.05)}, head_bias=False)
    train_case('g_train_lstm_2l_bidir_last_mse', 'LSTM', 2, 3, 2, True, False, 'last_step', 'mse', 1.0,
               {'adam': ADAM('adam', 0.01, 0.0, False)})


if __name__ == "__main__":
    here = os.path.dirname(os.path.abspath(__file__))
    out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(here, "..", "resources", "conformance-extra")
    onnx_and_torch_cases(out)
    training_cases(out)
