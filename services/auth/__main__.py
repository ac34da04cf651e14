from libs.runtime import main
from services.auth.service import AuthService

main(AuthService)
