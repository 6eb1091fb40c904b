"""Many sources at once: the batch run, its sources and downloads, the folder watcher, the
progress view, and the executors (in-process or Ray) that run the stages."""
