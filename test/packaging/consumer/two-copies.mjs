// Two installed copies of @tapegrad/autodiff: the one optim resolves, and a copy of that folder
// under another name (as a second bundle or a second version would be). clipGradNorm from optim
// must accept the copy's tensors. Run by the packaging test with Node; prints one JSON line.
import * as mine from '@tapegrad/autodiff';
import * as copy from '@tapegrad/autodiff-copy';
import { clipGradNorm } from '@tapegrad/optim';

const r = clipGradNorm({ W: copy.tensor([3]), b: copy.tensor([4]) }, 1);
console.log(
  JSON.stringify({
    sameClass: mine.Tensor === copy.Tensor,
    crossInstanceof: copy.tensor([1]) instanceof mine.Tensor && mine.tensor([1]) instanceof copy.Tensor,
    clipped: [r.norm, ...r.grads.W.data, ...r.grads.b.data],
  }),
);
