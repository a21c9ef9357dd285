// What one wake-up costs the woken thread on this machine, whatever it does when awake:
// the thread CPU time (what /proc/PID/stat and bench/live.sh count) of a nanosleep of
// range(0) µs. On the VM these figures come from, the cost grows with the time asleep and
// levels off after ~20 ms (bench/README.md, run U): a batch of the live reader pays it once,
// and at fork/exec-heavy load with 40 ms pauses it is a large part of a batch's cost.
// BM_SpinThenSleep keeps the CPU busy with a spin of range(0) µs before a 1 µs sleep: the
// time-dependent part is not idling (the same on a vCPU that never idles).
#include <benchmark/benchmark.h>

#include <time.h>

#include <chrono>
#include <cstdint>

namespace {

double thread_cpu_ns() {
  timespec t{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
  return static_cast<double>(t.tv_sec) * 1e9 + static_cast<double>(t.tv_nsec);
}

void sleep_us(int64_t us) {
  timespec ts{static_cast<time_t>(us / 1'000'000), static_cast<long>((us % 1'000'000) * 1000)};
  while (nanosleep(&ts, &ts) != 0) {
  }
}

void BM_SleepCpu(benchmark::State& state) {
  const int64_t us = state.range(0);
  for (auto _ : state) {
    const double c0 = thread_cpu_ns();
    sleep_us(us);
    state.SetIterationTime((thread_cpu_ns() - c0) / 1e9);
  }
  state.SetLabel("thread CPU per sleep");
}

void BM_SpinThenSleep(benchmark::State& state) {
  const auto spin = std::chrono::microseconds(state.range(0));
  for (auto _ : state) {
    const auto until = std::chrono::steady_clock::now() + spin;
    while (std::chrono::steady_clock::now() < until) {
    }
    const double c0 = thread_cpu_ns();
    sleep_us(1);
    state.SetIterationTime((thread_cpu_ns() - c0) / 1e9);
  }
  state.SetLabel("thread CPU of a 1 us sleep after the spin");
}

BENCHMARK(BM_SleepCpu)->Arg(1)->Arg(100)->Arg(1000)->Arg(5000)->Arg(20000)->Arg(40000)->UseManualTime()->Iterations(100);
BENCHMARK(BM_SpinThenSleep)->Arg(1)->Arg(40000)->UseManualTime()->Iterations(50);

}  // namespace

BENCHMARK_MAIN();
