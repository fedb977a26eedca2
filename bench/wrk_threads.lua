-- Shared by the wrk scripts of bench/ (dofile'd from the repository root): numbers wrk's
-- threads 1, 2, … in their "tid" global and keeps them in `threads`, for done() to read
-- their counts.
threads = {}
local thread_no = 0

function setup(thread)
  thread_no = thread_no + 1
  thread:set("tid", thread_no)
  table.insert(threads, thread)
end
