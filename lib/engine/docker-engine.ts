// The Docker engine behind the Engine interface, on dockerode (the Docker API; no CLI). Every call
// has a deadline: a hung engine is an unavailable engine, never a hung request.

import Dockerode from 'dockerode';
import { TIMED_OUT, withTimeout } from '../util/timeout';
import { FrameSplitter, type StreamName } from './demux';
import {
  ContainerGoneError,
  EngineUnavailableError,
  type Attached,
  type ContainerSpec,
  type Engine,
  type ManagedContainer,
} from './engine';
import { LABEL_MANAGED } from './sandbox-spec';

/** The longest any single engine call may take before we treat the engine as unavailable. */
export const ENGINE_CALL_MS = 15_000;

/**
 * Rejects with EngineUnavailableError when `p` has not settled within `ms` (a hung engine). When `p`
 * still succeeds after that, `onLate` gets its value: what it made can then be undone.
 */
export async function withDeadline<T>(
  p: Promise<T>,
  ms: number,
  what: string,
  onLate?: (value: T) => void,
): Promise<T> {
  const r = await withTimeout(p, ms);
  if (r !== TIMED_OUT) return r;
  if (onLate) p.then(onLate, () => {});
  throw new EngineUnavailableError(`Docker engine did not answer ${what} within ${ms} ms`);
}

const CONNECTION_CODES = new Set(['ECONNREFUSED', 'ENOENT', 'ECONNRESET', 'EPIPE', 'EACCES', 'ETIMEDOUT']);

/** Turns dockerode's errors into ours where they mean something the pool acts on. */
export function classifyEngineError(e: unknown, what: string): Error {
  const err = e as { code?: string; statusCode?: number; message?: string; reason?: string };
  if (err?.code && CONNECTION_CODES.has(err.code)) {
    return new EngineUnavailableError(`Docker engine unavailable (${err.code}) during ${what}`, { cause: e });
  }
  if (err?.statusCode === 404 || err?.statusCode === 409) {
    return new ContainerGoneError(`sandbox container is gone (${err.statusCode}) during ${what}`, { cause: e });
  }
  if (e instanceof Error) return e;
  return new Error(`${what} failed: ${String(e)}`);
}

export class DockerEngine implements Engine {
  readonly docker: Dockerode;

  constructor(socketPath: string) {
    this.docker = new Dockerode({ socketPath });
  }

  async ping(): Promise<void> {
    try {
      await withDeadline(this.docker.ping(), 3000, 'ping');
    } catch (e) {
      throw classifyEngineError(e, 'ping');
    }
  }

  /** The engine's version, e.g. "20.10.24+dfsg1". */
  async version(): Promise<string> {
    try {
      return (await withDeadline(this.docker.version(), ENGINE_CALL_MS, 'version')).Version;
    } catch (e) {
      throw classifyEngineError(e, 'version');
    }
  }

  /** An image's id and labels, or null when it is missing. */
  async inspectImage(image: string): Promise<{ id: string; labels: Record<string, string> } | null> {
    try {
      const info = await withDeadline(this.docker.getImage(image).inspect(), ENGINE_CALL_MS, 'image inspect');
      return { id: info.Id, labels: info.Config?.Labels ?? {} };
    } catch (e) {
      const c = classifyEngineError(e, 'image inspect');
      if (c instanceof ContainerGoneError) return null;
      throw c;
    }
  }

  /** Creates and starts a container; on a failed start the container is removed again. */
  async createAndStart(options: ContainerSpec): Promise<string> {
    let container: Dockerode.Container;
    try {
      // A create the engine answers after the deadline made a container nobody holds: remove it.
      container = await withDeadline(this.docker.createContainer(options), ENGINE_CALL_MS, 'create', (late) => {
        late.remove({ force: true }).catch(() => {});
      });
    } catch (e) {
      const err = e as { statusCode?: number };
      if (err?.statusCode === 404) {
        throw new Error(`image ${options.Image} is missing; run "npm run setup"`, { cause: e });
      }
      throw classifyEngineError(e, 'container create');
    }
    try {
      await withDeadline(container.start(), ENGINE_CALL_MS, 'start');
    } catch (e) {
      await container.remove({ force: true }).catch(() => {});
      throw classifyEngineError(e, 'container start');
    }
    return container.id;
  }

  /** SIGKILLs the container's PID 1, which ends every process inside it. */
  async kill(id: string): Promise<void> {
    try {
      await this.docker.getContainer(id).kill({ signal: 'SIGKILL' });
    } catch (e) {
      const c = classifyEngineError(e, 'container kill');
      if (!(c instanceof ContainerGoneError)) throw c;
    }
  }

  async remove(id: string): Promise<void> {
    try {
      await withDeadline(this.docker.getContainer(id).remove({ force: true, v: true }), ENGINE_CALL_MS, 'remove');
    } catch (e) {
      const c = classifyEngineError(e, 'container remove');
      // 404: already gone. 409: removal already in progress. Both are fine.
      if (!(c instanceof ContainerGoneError)) throw c;
    }
  }

  /**
   * Resolves once the container is not running (at once if it already stopped or is gone). Never
   * resolves on other engine errors: a live run is not ended because the engine hiccuped.
   */
  waitStopped(id: string): Promise<void> {
    return this.docker
      .getContainer(id)
      .wait({ condition: 'not-running' })
      .then(
        () => undefined,
        (e) => {
          if (classifyEngineError(e, 'wait') instanceof ContainerGoneError) return undefined;
          return new Promise<void>(() => {});
        },
      );
  }

  /** Whether the kernel's OOM killer ended the container (false when it is gone or cannot be asked). */
  async setMemoryLimit(id: string, mb: number): Promise<void> {
    const bytes = mb * 1024 * 1024;
    try {
      await withDeadline(
        this.docker.getContainer(id).update({ Memory: bytes, MemorySwap: bytes }),
        ENGINE_CALL_MS,
        'update',
      );
    } catch (e) {
      throw classifyEngineError(e, 'container update');
    }
  }

  async oomKilled(id: string): Promise<boolean> {
    try {
      const info = await withDeadline(this.docker.getContainer(id).inspect(), ENGINE_CALL_MS, 'inspect');
      return info.State?.OOMKilled === true;
    } catch {
      return false;
    }
  }

  /** Containers carrying our managed label, optionally narrowed by more labels. */
  async listManaged(labels: Record<string, string> = {}): Promise<ManagedContainer[]> {
    const label = [`${LABEL_MANAGED}=true`, ...Object.entries(labels).map(([k, v]) => `${k}=${v}`)];
    try {
      const list = await withDeadline(
        this.docker.listContainers({ all: true, filters: { label } }),
        ENGINE_CALL_MS,
        'list',
      );
      return list.map((c) => ({ id: c.Id, labels: c.Labels ?? {}, state: c.State, createdAt: c.Created * 1000 }));
    } catch (e) {
      throw classifyEngineError(e, 'container list');
    }
  }

  /**
   * Attaches to a running container's stdio. Output frames are handed to `onFrame` as they come;
   * `ended` resolves once the engine has closed the stream, so both streams have been read to the end.
   */
  async attach(id: string, onFrame: (stream: StreamName, payload: Buffer) => void): Promise<Attached> {
    let stream: NodeJS.ReadWriteStream & { destroy(): void };
    try {
      const attaching = this.docker.getContainer(id).attach({
        stream: true,
        stdin: true,
        stdout: true,
        stderr: true,
        hijack: true,
      }) as Promise<NodeJS.ReadWriteStream & { destroy(): void }>;
      // A connection the engine opens after the deadline is closed at once.
      stream = await withDeadline(attaching, ENGINE_CALL_MS, 'attach', (late) => late.destroy());
    } catch (e) {
      throw classifyEngineError(e, 'attach');
    }
    const splitter = new FrameSplitter(onFrame);
    stream.on('data', (chunk: Buffer) => splitter.push(chunk));
    const ended = new Promise<void>((resolve) => {
      stream.on('end', resolve);
      stream.on('close', resolve);
      stream.on('error', () => resolve());
    });
    return {
      write: (data) => void stream.write(data),
      endInput: () => stream.end(),
      destroy: () => stream.destroy(),
      ended,
    };
  }
}
