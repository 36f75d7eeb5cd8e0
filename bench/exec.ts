// One command by exec in a running container, with `input` on its stdin: the floors of the
// benchmarks (the naive way, no HTTP and no container churn) are made of it.
import type Dockerode from 'dockerode';
import { FrameSplitter } from '../lib/engine/demux';

/** Runs `sh -c script` in the container, feeding it `input`; resolves with all it printed (both streams). */
export async function execWithInput(container: Dockerode.Container, script: string, input: string): Promise<string> {
  const exec = await container.exec({
    Cmd: ['sh', '-c', script],
    AttachStdin: true,
    AttachStdout: true,
    AttachStderr: true,
  });
  const stream = (await exec.start({ hijack: true, stdin: true })) as NodeJS.ReadWriteStream;
  const chunks: Buffer[] = [];
  const frames = new FrameSplitter((_s, payload) => chunks.push(Buffer.from(payload)));
  stream.on('data', (b: Buffer) => frames.push(b));
  stream.end(input);
  await new Promise((r) => stream.on('end', r));
  return Buffer.concat(chunks).toString('utf8');
}
