// A static library's code, built by plain clang++ (not Bulkhead) and
// linked into the executable: runs a job, notes a failure in the job.
struct Job {
  void (*run)(void);
  int failed;
};

extern "C" __attribute__((noinline)) void lib_run_job(Job *j) {
  try {
    j->run();
  } catch (...) {
    j->failed = 1;
  }
}
