-- Shared by the wrk scripts of bench/ (dofile'd from the repository root): numbers wrk's
-- threads 1, 2, … in their "tid" global and keeps them in `threads`, for done() to read
-- their counts; init() reads the key (BENCH_KEY) and the client id prefix (BENCH_PREFIX).
threads = {}
local thread_no = 0

function setup(thread)
  thread_no = thread_no + 1
  thread:set("tid", thread_no)
  table.insert(threads, thread)
end

function init(args)
  key = os.getenv("BENCH_KEY")
  prefix = os.getenv("BENCH_PREFIX") or "w"
end
