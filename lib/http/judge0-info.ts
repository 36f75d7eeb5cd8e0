// Judge0's read-only endpoints: languages (our languages under Judge0's ids, with our versions),
// statuses, /config_info (all 39 keys Judge0 CE 1.13 reports, with the values this service keeps),
// /about and /version (the API version Judge0's clients look their language tables up by).

import type { Config } from '../config/config';
import { COMPILE_OPTION_LANGUAGES } from '../core/compile-options';
import { LANGUAGES } from '../core/languages';
import { byName, judge0Id, judge0Name, languageDetails } from '../judge0/languages';
import { judge0Limits } from '../judge0/limits';
import { getRuntime } from '../server/runtime';

/** The Judge0 CE release whose API this front door speaks. */
export const JUDGE0_VERSION = '1.13.1';

export interface Judge0Language {
  id: number;
  name: string;
  /** Our id. */
  ours: string;
}

/** The enabled languages Judge0 has an id for, by name as Judge0 orders them. */
export async function judge0Languages(): Promise<Judge0Language[]> {
  const rt = getRuntime();
  const enabled = rt.executor.enabledLanguages().filter((l) => judge0Id(l) !== null);
  const infos = await Promise.all(enabled.map((l) => rt.images.info(l)));
  return enabled
    .map((ours, i) => ({ id: judge0Id(ours) as number, name: judge0Name(ours, infos[i]?.version ?? null), ours }))
    .sort((a, b) => byName(a.name, b.name));
}

export function languageBody(l: Judge0Language) {
  return { id: l.id, name: l.name, is_archived: false, ...languageDetails(l.ours) };
}

export function configInfo(config: Config) {
  const l = judge0Limits(config);
  return {
    maintenance_mode: false,
    enable_wait_result: true,
    enable_compiler_options: true,
    allowed_languages_for_compile_options: COMPILE_OPTION_LANGUAGES.map((id) => LANGUAGES[id].name.split(' (')[0]),
    enable_command_line_arguments: true,
    enable_submission_delete: config.judge0EnableDelete,
    enable_callbacks: true,
    callbacks_max_tries: config.callbackMaxTries,
    callbacks_timeout: config.callbackTimeoutMs / 1000,
    enable_additional_files: config.judge0MaxExtractKb > 0,
    max_queue_size: config.judge0MaxQueue,
    cpu_time_limit: l.cpu_time_limit.default,
    max_cpu_time_limit: l.cpu_time_limit.max,
    cpu_extra_time: l.cpu_extra_time.default,
    max_cpu_extra_time: l.cpu_extra_time.max,
    wall_time_limit: l.wall_time_limit.default,
    max_wall_time_limit: l.wall_time_limit.max,
    memory_limit: l.memory_limit.default,
    max_memory_limit: l.memory_limit.max,
    stack_limit: l.stack_limit.default,
    max_stack_limit: l.stack_limit.max,
    max_processes_and_or_threads: l.max_processes_and_or_threads.default,
    max_max_processes_and_or_threads: l.max_processes_and_or_threads.max,
    enable_per_process_and_thread_time_limit: false,
    allow_enable_per_process_and_thread_time_limit: false,
    enable_per_process_and_thread_memory_limit: false,
    allow_enable_per_process_and_thread_memory_limit: false,
    max_file_size: l.max_file_size.default,
    max_max_file_size: l.max_file_size.max,
    number_of_runs: l.number_of_runs.default,
    max_number_of_runs: l.number_of_runs.max,
    redirect_stderr_to_stdout: false,
    max_extract_size: config.judge0MaxExtractKb,
    enable_batched_submissions: true,
    max_submission_batch_size: config.judge0MaxBatch,
    submission_cache_duration: 0,
    use_docs_as_homepage: false,
    allow_enable_network: false,
    enable_network: false,
  };
}

export function about() {
  return {
    version: JUDGE0_VERSION,
    homepage: '/',
    source_code: '/api/openapi.json',
    maintainer: 'WebCompile',
  };
}
