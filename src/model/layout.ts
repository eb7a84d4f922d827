/**
 * Where each weight of the GRU sequence model lives in its one flat parameter array.
 *
 * Kernels use the Flax convention `[in, out]` (row-major: `out_j = Σ_i in_i · kernel[i·out + j]`), so every
 * matrix product in the engines reads a row of the kernel contiguously. The three GRU gates are stacked
 * along the output axis in the order r (reset), z (update), n (candidate), as in PyTorch and Flax.
 *
 * | name            | shape      | meaning                                                     |
 * |-----------------|------------|-------------------------------------------------------------|
 * | `embed.kernel`  | [D, E]     | W_e: linear embedding of the per-step input                 |
 * | `embed.bias`    | [E]        | b_e                                                         |
 * | `gru.inputKernel` | [E, 3H]  | [W_ir \| W_iz \| W_in] applied to the embedding             |
 * | `gru.recurrentKernel` | [H, 3H] | [W_hr \| W_hz \| W_hn] applied to the previous state     |
 * | `gru.bias`      | [3H]       | [b_r \| b_z \| b_in]: the r and z biases are shared by the input and recurrent paths (PyTorch's b_ir + b_hr) |
 * | `gru.hnBias`    | [H]        | b_hn, inside the reset gate's product (PyTorch/Flax convention) |
 * | `head.kernel`   | [H, K]     | W_o: all heads' outputs concatenated                        |
 * | `head.bias`     | [K]        | b_o                                                         |
 */
export interface ParamLayout {
  readonly inputSize: number;
  readonly embedSize: number;
  readonly hiddenSize: number;
  readonly outputSize: number;
  /** Offsets (in floats) of each named block in the flat array, and its length. */
  readonly blocks: Readonly<Record<ParamName, { readonly offset: number; readonly length: number }>>;
  /** Total number of parameters. */
  readonly size: number;
}

/** The names of the parameter blocks, in storage order. */
export const PARAM_NAMES = [
  'embed.kernel',
  'embed.bias',
  'gru.inputKernel',
  'gru.recurrentKernel',
  'gru.bias',
  'gru.hnBias',
  'head.kernel',
  'head.bias',
] as const;
/** The name of one parameter block (`paramViews()` keys). */
export type ParamName = (typeof PARAM_NAMES)[number];

/** The layout for sizes D (input), E (embedding), H (hidden), K (outputs). */
export function paramLayout(d: number, e: number, h: number, k: number): ParamLayout {
  const lengths: Record<ParamName, number> = {
    'embed.kernel': d * e,
    'embed.bias': e,
    'gru.inputKernel': e * 3 * h,
    'gru.recurrentKernel': h * 3 * h,
    'gru.bias': 3 * h,
    'gru.hnBias': h,
    'head.kernel': h * k,
    'head.bias': k,
  };
  let offset = 0;
  const blocks = {} as Record<ParamName, { offset: number; length: number }>;
  for (const name of PARAM_NAMES) {
    blocks[name] = { offset, length: lengths[name] };
    offset += lengths[name];
  }
  return { inputSize: d, embedSize: e, hiddenSize: h, outputSize: k, blocks, size: offset };
}
