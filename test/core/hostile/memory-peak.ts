/** The heap's growth over a stretch of a test, sampled often enough to catch its peak. */

/** Samples the heap every 50 ms; stop() gives the peak growth over the start, in MB. */
export function memoryPeak(): { stop(): number } {
  const start = process.memoryUsage().heapUsed
  let peak = start
  const timer = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage().heapUsed)
  }, 50)
  return {
    stop() {
      clearInterval(timer)
      return (peak - start) / 2 ** 20
    }
  }
}
