from libs.runtime import main
from services.scheduler.service import SchedulerService

main(SchedulerService)
