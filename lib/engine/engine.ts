// The narrow interface WebCompile needs from a container engine: the pools, the warm compilers and
// the core speak only this. DockerEngine (docker-engine.ts) is the real one, on dockerode; the unit
// tests use an in-memory fake.

import type Dockerode from 'dockerode';
import { brandedError } from '../util/branded-error';
import type { StreamName } from './demux';

/** The engine cannot be reached (socket missing, refused, reset). */
export class EngineUnavailableError extends brandedError('EngineUnavailableError') {}

/** The container is gone or stopped (removed or killed from outside). */
export class ContainerGoneError extends brandedError('ContainerGoneError') {}

/** What a container is created with (Docker's create body: the spec in sandbox-spec.ts builds it). */
export type ContainerSpec = Dockerode.ContainerCreateOptions;

/** A live attach connection to a container's stdin, stdout and stderr. */
export interface Attached {
  write(data: Buffer): void;
  /** Closes the container's stdin (the stream stays open for output). */
  endInput(): void;
  /** Drops the connection. */
  destroy(): void;
  /** Resolves when the engine closes the stream (the container's main process ended). */
  ended: Promise<void>;
}

export interface ManagedContainer {
  id: string;
  labels: Record<string, string>;
  state: string;
  /** Creation time, ms since the epoch (the engine keeps seconds). */
  createdAt: number;
}

export interface Engine {
  ping(): Promise<void>;
  /** The engine's version, e.g. "20.10.24+dfsg1". */
  version(): Promise<string>;
  /** An image's id and labels, or null when it is missing. */
  inspectImage(image: string): Promise<{ id: string; labels: Record<string, string> } | null>;
  /** Creates and starts a container; on a failed start the container is removed again. */
  createAndStart(spec: ContainerSpec): Promise<string>;
  /** SIGKILLs the container's PID 1 (nothing when it is already gone). */
  kill(id: string): Promise<void>;
  /** Removes the container and its volumes (nothing when it is already gone). */
  remove(id: string): Promise<void>;
  /**
   * Resolves once the container is not running (at once if it already stopped or is gone). Never
   * resolves on other engine errors: a live run is not ended because the engine hiccuped.
   */
  waitStopped(id: string): Promise<void>;
  /**
   * Sets a running container's memory limit (swap equal: none), lowered or raised, for a run with a
   * memory limit of its own. Not every runtime can (gVisor's cannot): then it throws.
   */
  setMemoryLimit(id: string, mb: number): Promise<void>;
  /** Whether the kernel's OOM killer ended the container (false when it is gone or cannot be asked). */
  oomKilled(id: string): Promise<boolean>;
  /** Containers carrying our managed label, optionally narrowed by more labels. */
  listManaged(labels?: Record<string, string>): Promise<ManagedContainer[]>;
  /**
   * Attaches to a running container's stdio. Output frames are handed to `onFrame` as they come;
   * `ended` resolves once the engine has closed the stream, so both streams have been read to the end.
   */
  attach(id: string, onFrame: (stream: StreamName, payload: Buffer) => void): Promise<Attached>;
}
