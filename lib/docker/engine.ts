// The narrow interface WebCompile needs from the Docker engine, on dockerode (the Docker API; no CLI).

import Dockerode from 'dockerode';
import { brandedError } from '../errors/branded-error';
import { Demuxer, type CappedOutput, type StreamName } from './demux';
import { LABEL_MANAGED } from './sandbox-spec';

/** The engine cannot be reached (socket missing, refused, reset). */
export class EngineUnavailableError extends brandedError('EngineUnavailableError') {}

/** The container is gone or stopped (removed or killed from outside). */
export class ContainerGoneError extends brandedError('ContainerGoneError') {}

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

export interface ExecOptions {
  /** Bytes written to the process's stdin, which is then closed. */
  stdin?: Buffer;
  /** Bytes kept per stream; past this `onOverflow` fires. */
  limitBytes: number;
  onOverflow?: (stream: StreamName, received: number) => void;
  reserveStderr?: number;
  /** Fires when the caller stops waiting (the container is being killed): the stream is dropped. */
  detach?: AbortSignal;
}

export interface ExecResult extends CappedOutput {
  exitCode: number | null;
}

export interface ManagedContainer {
  id: string;
  labels: Record<string, string>;
  state: string;
}

export class Engine {
  readonly docker: Dockerode;

  constructor(socketPath: string) {
    this.docker = new Dockerode({ socketPath });
  }

  async ping(): Promise<void> {
    try {
      await this.docker.ping();
    } catch (e) {
      throw classifyEngineError(e, 'ping');
    }
  }

  async imageExists(image: string): Promise<boolean> {
    try {
      await this.docker.getImage(image).inspect();
      return true;
    } catch (e) {
      const c = classifyEngineError(e, 'image inspect');
      if (c instanceof ContainerGoneError) return false;
      throw c;
    }
  }

  /** Creates and starts a container; on a failed start the container is removed again. */
  async createAndStart(options: Dockerode.ContainerCreateOptions): Promise<string> {
    let container: Dockerode.Container;
    try {
      container = await this.docker.createContainer(options);
    } catch (e) {
      const err = e as { statusCode?: number };
      if (err?.statusCode === 404) {
        throw new Error(`image ${options.Image} is missing; run "npm run setup"`, { cause: e });
      }
      throw classifyEngineError(e, 'container create');
    }
    try {
      await container.start();
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
      await this.docker.getContainer(id).remove({ force: true, v: true });
    } catch (e) {
      const c = classifyEngineError(e, 'container remove');
      // 404: already gone. 409: removal already in progress. Both are fine.
      if (!(c instanceof ContainerGoneError)) throw c;
    }
  }

  async isRunning(id: string): Promise<boolean> {
    try {
      const info = await this.docker.getContainer(id).inspect();
      return info.State.Running && !info.State.Paused && !info.State.Restarting;
    } catch (e) {
      const c = classifyEngineError(e, 'container inspect');
      if (c instanceof ContainerGoneError) return false;
      throw c;
    }
  }

  /** Containers carrying our managed label, optionally narrowed by more labels. */
  async listManaged(labels: Record<string, string> = {}): Promise<ManagedContainer[]> {
    const label = [`${LABEL_MANAGED}=true`, ...Object.entries(labels).map(([k, v]) => `${k}=${v}`)];
    try {
      const list = await this.docker.listContainers({ all: true, filters: { label } });
      return list.map((c) => ({ id: c.Id, labels: c.Labels ?? {}, state: c.State }));
    } catch (e) {
      throw classifyEngineError(e, 'container list');
    }
  }

  /**
   * Runs a command in a container, demultiplexing its output, and waits for both streams to end
   * before reading the exit code. Output past `limitBytes` per stream is dropped.
   */
  async exec(id: string, cmd: string[], options: ExecOptions): Promise<ExecResult> {
    const container = this.docker.getContainer(id);
    let exec: Dockerode.Exec;
    let stream: NodeJS.ReadWriteStream;
    try {
      exec = await container.exec({
        Cmd: cmd,
        AttachStdout: true,
        AttachStderr: true,
        AttachStdin: options.stdin !== undefined,
        Tty: false,
      });
      stream = (await exec.start({ hijack: true, stdin: options.stdin !== undefined })) as NodeJS.ReadWriteStream;
    } catch (e) {
      throw classifyEngineError(e, 'exec');
    }
    const demux = new Demuxer(options.limitBytes, options.onOverflow, options.reserveStderr ?? 0);
    await new Promise<void>((resolve, reject) => {
      stream.on('data', (chunk: Buffer) => demux.push(chunk));
      stream.on('end', resolve);
      stream.on('close', resolve);
      stream.on('error', (e) => reject(classifyEngineError(e, 'exec stream')));
      const onDetach = () => {
        (stream as unknown as { destroy(): void }).destroy();
        resolve();
      };
      if (options.detach?.aborted) onDetach();
      else options.detach?.addEventListener('abort', onDetach, { once: true });
      if (options.stdin !== undefined) {
        stream.write(options.stdin);
        stream.end();
      }
    });
    // The stream can end a moment before the engine records the exit code.
    let exitCode: number | null = null;
    for (let i = 0; i < 50 && !options.detach?.aborted; i++) {
      try {
        const info = await exec.inspect();
        if (!info.Running) {
          exitCode = info.ExitCode ?? null;
          break;
        }
      } catch (e) {
        const c = classifyEngineError(e, 'exec inspect');
        if (c instanceof ContainerGoneError) break;
        throw c;
      }
      await new Promise((r) => setTimeout(r, 5));
    }
    return { ...demux.result(), exitCode };
  }
}
