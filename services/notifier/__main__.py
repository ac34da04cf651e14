from libs.runtime import main
from services.notifier.service import NotifierService

main(NotifierService)
