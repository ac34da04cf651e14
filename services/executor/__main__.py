from libs.runtime import main
from services.executor.service import ExecutorService

main(ExecutorService)
