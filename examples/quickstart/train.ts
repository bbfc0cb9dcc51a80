// Fits a small MLP to two noisy classes with label smoothing, AdamW and OneCycleLR.
import { nn, optim, torch } from 'smoothlab';

torch.manualSeed(0);
using x = torch.randn([512, 2]);
using labels = x.select(1, 0).mul(x.select(1, 1)).gt(0).long();  // XOR of the signs
using inputs = x.add(torch.randn([512, 2]).mul(0.1));
const model = new nn.Sequential(new nn.Linear(2, 32), new nn.ReLU(), new nn.Linear(32, 2));
const opt = new optim.AdamW(model.parameters(), { lr: 1e-3, betas: [0.9, 0.99], weightDecay: 1e-2 });
const sch = new optim.lrScheduler.OneCycleLR(opt, { maxLr: 5e-2, totalSteps: 200 });
for (let step = 0; step < 200; step++) {
  const loss = torch.tidy(() => nn.functional.crossEntropy(model.call(inputs), labels, { labelSmoothing: 0.1 }));
  opt.zeroGrad();
  loss.backward();
  opt.step();
  sch.step();
  if (step % 50 === 0) console.log(`step ${step}: loss ${loss.item().toFixed(4)}`);
  loss.dispose();
}
const accuracy = torch.noGrad(() => torch.tidy(() => model.call(inputs).argmax(1).eq(labels).float().mean().item()));
console.log(`train accuracy ${(accuracy * 100).toFixed(1)} %`);
