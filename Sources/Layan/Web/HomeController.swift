import LayanCore
import Vapor

/// The public home page: what the agency offers and where to go for it.
struct HomeController: RouteCollection {
    struct Context: Encodable {
        let layout: LayoutContext
        let about: String
        let services: [PublicService]
    }

    /// A public service linked from the home page; each capability adds its own as it lands.
    struct PublicService: Encodable {
        let title: String
        let summary: String
        let href: String?
        /// Numbers to call, for the enquiry line.
        var phones: [Phone] = []
    }

    struct Phone: Encodable { let place: String; let number: String; let href: String }

    func boot(routes: any RoutesBuilder) throws {
        routes.get(use: home)
    }

    func home(req: Request) async throws -> View {
        let agency = await req.application.agencyProfile.current(on: req.db)
        let context = Context(
            layout: await LayoutContext.make(for: req, title: req.t("home.title")),
            about: agency.about(in: req.language),
            services: try await Self.services(for: req))
        return try await req.view.render("Platform/home", context)
    }

    /// The services the PKPA customer-service office offers the public (domain.md §3–4).
    static func services(for req: Request) async throws -> [PublicService] {
        let links: [String: String] = ["counter": SiteURL.queue(.branches).path, "complaints": SiteURL.cases(.portal).path,
                                       "charter": SiteURL.charter.path]
        let phones = try await Branch.query(on: req.db).sort(\.$code).all().filter { !$0.phone.isEmpty }.map {
            Phone(place: $0.name, number: $0.phone, href: "tel:" + $0.phone.filter { $0.isNumber || $0 == "+" })
        }
        return ["counter", "telephone", "complaints", "charter"].map { key in
            PublicService(title: req.t("home.service.\(key).title"), summary: req.t("home.service.\(key).summary"), href: links[key],
                          phones: key == "telephone" ? phones : [])
        }
    }
}
