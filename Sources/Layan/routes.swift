import Vapor

/// Every route Layan serves. Each capability registers its own collection here; each route states who
/// may use it (`Access`), and `configure` refuses to start when one does not.
func routes(_ app: Application) throws {
    let open = app.routes.access(.anyone)
    try open.register(collection: HealthController())
    try open.register(collection: OpenAPIController(resourcesDirectory: app.directory.resourcesDirectory))
    try open.register(collection: HomeController())
    try app.routes.register(collection: AccountsController())
    try app.routes.register(collection: OrganisationController())
    try app.routes.register(collection: StaffAdminController())
    try app.routes.register(collection: DirectoryController())
    try app.routes.register(collection: AuditController())
    try app.routes.register(collection: CalendarController())
    try app.routes.register(collection: APITokensController())
    try app.routes.register(collection: QueueAPIController())
    try app.routes.register(collection: PublicQueueController())
    try app.routes.register(collection: CounterConsoleController())
    try app.routes.register(collection: QueueSupervisorController())
    try app.routes.register(collection: QueueSetupController())
    try app.routes.register(collection: CaseAPIController())
    try app.routes.register(collection: PublicCaseController())
    try app.routes.register(collection: CaseStaffController())
    try app.routes.register(collection: DutyRotaController())
    try app.routes.register(collection: ServiceRecoveryController())
    try app.routes.register(collection: KnowledgeBaseController())
    try app.routes.register(collection: CharterController())
    try app.routes.register(collection: CharterDeskController())
    try app.routes.register(collection: CharterEditorController())
    try app.routes.register(collection: CharterManualController())
    try app.routes.register(collection: CharterAPIController())
    try app.routes.register(collection: RatingController())
    try app.routes.register(collection: SatisfactionDeskController())
    try app.routes.register(collection: SatisfactionAPIController())
    try app.routes.register(collection: Open311Controller())
    try app.routes.register(collection: Open311ServicesController())
    try app.routes.register(collection: IntakeLogController())
    try app.routes.register(collection: InboundMailController())
    try app.routes.register(collection: FailedMailController())
    try app.routes.register(collection: PaperFormsController())
    try app.routes.register(collection: TwilioController())
    try app.routes.register(collection: XWebhookController())
    try app.routes.register(collection: MetaWebhookController())
    try app.routes.register(collection: TelephoneDeskController())
    try app.routes.register(collection: TelephoneFiguresController())
    try app.routes.register(collection: TelephoneImportController())
    try app.routes.register(collection: PBXController())
    try app.routes.register(collection: WallboardController())
    if app.settings.benchmarkRoutes {
        // The plain route benchmarks measure Layan's own routes against (docs/benchmarks.md).
        open.get(SiteURL.benchHello.pattern) { _ in "hello" }
    }
}
