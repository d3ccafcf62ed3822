class ItemsController < ApplicationController
  before_action :set_item, only: %i[ show update destroy ]

  # GET /items
  def index
    render json: Item.order(:id)
  end

  # GET /items/1
  def show
    render json: @item
  end

  # POST /items
  def create
    item = Item.new(item_params)

    if item.save
      render json: item, status: :created, location: item
    else
      render json: { errors: item.errors }, status: :unprocessable_content
    end
  end

  # PATCH/PUT /items/1
  def update
    if @item.update(item_params)
      render json: @item
    else
      render json: { errors: @item.errors }, status: :unprocessable_content
    end
  end

  # DELETE /items/1
  def destroy
    @item.destroy!
    head :no_content
  end

  private
    def set_item
      @item = Item.find(params[:id])
    end

    # Only allow a list of trusted parameters through.
    def item_params
      params.require(:item).permit(:name, :description)
    end
end
